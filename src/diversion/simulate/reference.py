"""The five reported cases of CASES.md, reconstructed inside the demo world with their names and figures.

Names are those of the reports (Aspan Arba, Nebesnaya Mekhanika, DJI Europe B.V., People's Front); the
people behind them, the other firms and every declaration are synthetic. Kazakhstan's statistics for
microchips (HS 8542) and drones (HS 8806, 8802 before 2022) are calibrated to the reported figures: the
named cases' shipments plus other Kazakh traders add up exactly to them, in Kazakhstan's own view (its
imports as it records them, CIF; its exports, FOB), and no background trade touches those lines.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from diversion.simulate import names
from diversion.simulate.goods import Good, good, index
from diversion.simulate.schemes import LEVELS, Planter
from diversion.simulate.world import Firm, Person

CALIBRATED_HUB: Final = "KZ"

# (flow seen by Kazakhstan, partner or None for all, goods, year) -> reported US dollars
TARGETS: Final = {
    ("import", None, "chips", 2021): 35_000_000,
    ("import", None, "chips", 2022): 75_000_000,
    ("export", "RU", "chips", 2021): 245_000,
    ("export", "RU", "chips", 2022): 18_000_000,
    ("import", None, "drones", 2021): 18_000,  # "too small to appear"
    ("import", None, "drones", 2022): 4_950_000,
    ("export", "RU", "drones", 2022): 1_230_000,
}
_CHIPS: Final = ("854231", "854232", "854233", "854239")


def _company(country: str, core: str, form: str, native: str, latin: str) -> names.CompanyName:
    return names.CompanyName(country=country, core=core, legal_form=form, native=native, latin=latin)


def _person(
    p: Planter, country: str, given: str, patronymic: str | None, surname: str, sex: str, latin: str
) -> Person:
    person = p.world.add_person(country, sex=sex)
    native = " ".join(x for x in (surname, given, patronymic) if x)
    person.name = names.PersonName(
        country=country,
        given=given,
        patronymic=patronymic,
        surname=surname,
        sex=sex,
        native=native,
        latin=latin,
    )
    return person


def plant_reference_cases(p: Planter) -> None:
    easy = LEVELS[0]
    dji = p.world.add_firm(
        "CN",
        "manufacturer",
        size=0.0,
        incorporated=date(2006, 11, 6),
        name=_company(
            "CN", "大疆创新科技", "有限公司", "深圳市大疆创新科技有限公司", "SZ DJI Technology Co., Ltd."
        ),
    )
    dji_eu = p.world.add_firm(
        "NL",
        "distributor",
        size=0.0,
        incorporated=date(2015, 3, 2),
        name=_company("NL", "DJI Europe", "B.V.", "DJI Europe B.V.", "DJI Europe B.V."),
    )
    _sky_chariot(p, dji, dji_eu)
    _family_chips(p)
    _kyrgyz_pass_through(p)
    _crop_dusters(p, dji)
    _markup(p)
    _calibrate(p)
    del easy


def _sky_chariot(p: Planter, dji: Firm, dji_eu: Firm) -> None:
    plan = p.new_plan(
        "same_owner",
        LEVELS[0],
        False,
        "Aspan Arba (KZ) and Nebesnaya Mekhanika (RU): same owner, DJI drones to Russia",
    )
    plan.id = "case-1-sky-chariot"
    aspan = p.world.add_firm(
        "KZ",
        "distributor",
        size=0.0,
        incorporated=date(2022, 4, 12),
        name=_company("KZ", "Аспан Арба", "ТОО", "ТОО «Аспан Арба»", "Aspan Arba LLP"),
    )
    nebo = p.world.add_firm(
        "RU",
        "consignee",
        size=0.0,
        incorporated=date(2016, 6, 1),
        name=_company("RU", "Небесная механика", "ООО", "ООО «Небесная механика»", "OOO Nebesnaya Mekhanika"),
    )
    owner = _person(p, "RU", "Алексей", "Викторович", "Иванов", "m", "Aleksei Viktorovich Ivanov")
    ministry = p.world.add_firm(
        "KZ",
        "authority",
        size=0.0,
        incorporated=date(2019, 6, 17),
        name=_company(
            "KZ",
            "Министерство цифрового развития, инноваций и аэрокосмической промышленности",
            "",
            "Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан",
            "Ministry of Digital Development, Innovations and Aerospace Industry of Kazakhstan",
        ),
    )
    front = p.world.add_firm(
        "RU",
        "military_support",
        size=0.0,
        incorporated=date(2011, 6, 12),
        name=_company(
            "RU",
            "Народный фронт",
            "",
            "Народный фронт «Всё для Победы!»",
            "People's Front: Everything for Victory",
        ),
    )
    p.relate(plan, "ownership", owner.id, aspan.id, share=100.0, role="founder", start=aspan.incorporated)
    p.relate(plan, "ownership", owner.id, nebo.id, share=100.0, role="founder", start=nebo.incorporated)
    p.relate(
        plan,
        "licence",
        ministry.id,
        aspan.id,
        amount=45_000_000.0,
        currency="USD",
        start=date(2022, 6, 1),
        description="import licences for 18,000 DJI drones (HS 8806) from DJI Europe B.V.",
    )
    p.relate(
        plan,
        "payment",
        front.id,
        nebo.id,
        amount=799_000.0,
        currency="RUB",
        start=date(2023, 2, 14),
        description="payment for a drone",
    )
    for party, role in (
        (owner, "common owner"),
        (aspan, "hub firm"),
        (nebo, "consignee"),
        (dji, "supplier"),
        (dji_eu, "licensed supplier"),
        (front, "military-support payer"),
    ):
        p.member(plan, party, role)
    drone = good("880622")
    day = date(2022, 5, 10)
    for k in range(8):  # imports from China; most drones stay in Kazakhstan or are never shipped
        p.ship(plan, day + timedelta(days=30 * k), dji, aspan, drone, 240, 2_300.0)
    p.ship(plan, date(2022, 6, 20), dji_eu, aspan, drone, 20, 2_500.0)
    for k, quantity in enumerate((120, 140, 130, 130)):  # 520 drones to Nebesnaya Mekhanika in 2022
        p.ship(plan, date(2022, 6, 15) + timedelta(days=45 * k), aspan, nebo, drone, quantity, 2_365.0)


def _family_chips(p: Planter) -> None:
    plan = p.new_plan(
        "family_route",
        LEVELS[0],
        False,
        "German firm of a Russian couple supplies their son's new Kazakh firm; chips to Russia",
    )
    plan.id = "case-2-family-chips"
    father = _person(p, "RU", "Виктор", "Андреевич", "Соколов", "m", "Viktor Andreevich Sokolov")
    mother = _person(p, "RU", "Ирина", "Павловна", "Соколова", "f", "Irina Pavlovna Sokolova")
    son = _person(p, "RU", "Дмитрий", "Викторович", "Соколов", "m", "Dmitrii Viktorovich Sokolov")
    german = p.world.add_firm(
        "DE",
        "distributor",
        size=0.0,
        incorporated=date(2009, 9, 1),
        name=_company(
            "DE",
            "Sokolow Elektronik Handel",
            "GmbH",
            "Sokolow Elektronik Handel GmbH",
            "Sokolow Elektronik Handel GmbH",
        ),
    )
    kazakh = p.world.add_firm(
        "KZ",
        "trader",
        size=0.0,
        incorporated=date(2022, 5, 19),
        name=_company("KZ", "Дала Электроникс", "ТОО", "ТОО «Дала Электроникс»", "Dala Electronics LLP"),
    )
    buyer = p.world.add_firm(
        "RU",
        "defence",
        size=0.0,
        incorporated=date(2004, 2, 11),
        name=_company("RU", "Радиотехсервис", "АО", "АО «Радиотехсервис»", "JSC Radiotekhservis"),
    )
    p.family_firms(plan, (father, mother), german, son, kazakh)
    for party, role in (
        (father, "owner of German firm"),
        (mother, "owner of German firm"),
        (son, "owner of hub firm"),
        (german, "EU exporter"),
        (kazakh, "hub firm"),
        (buyer, "consignee"),
    ):
        p.member(plan, party, role)
    chips = good("854231")
    for k in range(6):
        day = date(2022, 6, 1) + timedelta(days=35 * k)
        p.ship(plan, day, german, kazakh, chips, 40_000, 12.0)
        p.ship(plan, day + timedelta(days=12), kazakh, buyer, chips, 40_000, 14.5)


def _kyrgyz_pass_through(p: Planter) -> None:
    plan = p.new_plan(
        "pass_through",
        LEVELS[0],
        False,
        "Kyrgyz firm re-exports semiconductors and amplifiers to Russian defence suppliers, Feb-Mar 2023",
    )
    plan.id = "case-3-kyrgyz-pass-through"
    hub = p.world.add_firm(
        "KG",
        "trader",
        size=0.0,
        incorporated=date(2022, 9, 5),
        name=_company("KG", "Альфа Чип Трейд", "ОсОО", "ОсОО «Альфа Чип Трейд»", "Alfa Chip Trade LLC"),
    )
    suppliers = [p.existing(("CN",), ("manufacturer",)), p.existing(("KR",), ("manufacturer",))]
    buyers = [
        p.world.add_firm(
            "RU",
            "defence",
            size=0.0,
            incorporated=date(1998, 4, 1),
            name=_company("RU", "Спецприбор", "АО", "АО «Спецприбор»", "JSC Spetspribor"),
        ),
        p.world.add_firm(
            "RU",
            "defence",
            size=0.0,
            incorporated=date(2003, 8, 20),
            name=_company("RU", "Радиокомплект", "ООО", "ООО «Радиокомплект»", "OOO Radiokomplekt"),
        ),
    ]
    for buyer in buyers:
        p.listed(plan, buyer)
    p.member(plan, hub, "hub firm")
    for party in suppliers:
        p.member(plan, party, "supplier")
    for party in buyers:
        p.member(plan, party, "consignee")
    for k, (code, quantity, price) in enumerate(
        (("854233", 8_000, 18.5), ("854239", 12_000, 21.0), ("854233", 6_000, 18.0))
    ):
        day = date(2023, 2, 6) + timedelta(days=14 * k)
        p.ship(plan, day, suppliers[k % 2], hub, good(code), quantity, price)
        half = quantity // 2
        p.ship(plan, day + timedelta(days=9), hub, buyers[0], good(code), half, price * 1.3)
        p.ship(plan, day + timedelta(days=16), hub, buyers[1], good(code), quantity - half - 20, price * 1.3)


def _crop_dusters(p: Planter, dji: Firm) -> None:
    plan = p.new_plan(
        "mislabel",
        LEVELS[0],
        False,
        "14 DJI Agras T30 drones for a Russian buyer declared as agricultural sprayers (May 2023)",
    )
    plan.id = "case-4-crop-dusters"
    kyrgyz = p.world.add_firm(
        "KG",
        "trader",
        size=0.0,
        incorporated=date(2021, 3, 3),
        name=_company("KG", "Агро Дрон Сервис", "ОсОО", "ОсОО «Агро Дрон Сервис»", "Agro Dron Servis LLC"),
    )
    buyer = p.world.add_firm(
        "RU",
        "consignee",
        size=0.0,
        incorporated=date(2018, 1, 15),
        name=_company("RU", "АгроТехСнаб", "ООО", "ООО «АгроТехСнаб»", "OOO AgroTekhSnab"),
    )
    for party, role in ((kyrgyz, "hub firm"), (buyer, "consignee"), (dji, "supplier")):
        p.member(plan, party, role)
    agras = good("880624")
    sprayer = index()["842449"]
    p.ship(plan, date(2023, 4, 11), dji, kyrgyz, agras, 14, 14_000.0, brand="DJI", model="Agras T30")
    p.ship(
        plan,
        date(2023, 5, 16),
        kyrgyz,
        buyer,
        agras,
        14,
        14_000.0,
        export_good=sprayer,
        import_good=sprayer,
        export_description="Опрыскиватели сельскохозяйственные DJI Agras T30",
        import_description="Опрыскиватели сельскохозяйственные DJI Agras T30",
        brand="DJI",
        model="Agras T30",
    )


def _markup(p: Planter) -> None:
    plan = p.new_plan(
        "markup", LEVELS[0], False, "Armenian intermediary sells chips to Russia at three times the price"
    )
    plan.id = "case-5-markup"
    hub = p.world.add_firm(
        "AM",
        "trader",
        size=0.0,
        incorporated=date(2022, 7, 1),
        name=_company("AM", "Արարատ Տեխ", "ՍՊԸ", "«Արարատ Տեխ» ՍՊԸ", "Ararat Tech LLC"),
    )
    supplier = p.existing(("TW", "KR"), ("manufacturer",))
    buyer = p.existing(("RU",), ("consignee",))
    for party, role in ((hub, "intermediary"), (supplier, "supplier"), (buyer, "consignee")):
        p.member(plan, party, role)
    item = good("850440")
    for k in range(3):
        day = date(2022, 9, 1) + timedelta(days=40 * k)
        p.ship(plan, day, supplier, hub, item, 3_000, 35.0)
        p.ship(plan, day + timedelta(days=10), hub, buyer, item, 3_000, 105.0)


def _calibrate(p: Planter) -> None:
    """Other Kazakh traders make up the rest of each reported figure, exactly."""
    plan = p.new_plan(
        "kz_reported_figures",
        LEVELS[0],
        False,
        "Kazakhstan's chip and drone trade as reported: chips to Russia x70, drones $1.23M",
    )
    plan.id = "case-0-kazakh-figures"
    rng = p.rng
    traders = [p.world.add_firm("KZ", "trader", size=0.0) for _ in range(6)]
    buyers = [p.existing(("RU",), ("consignee",)) for _ in range(4)]
    suppliers = [p.existing(("CN", "KR", "TW", "DE", "US"), ("manufacturer",)) for _ in range(6)]
    for trader in traders:
        p.member(plan, trader, "Kazakh trader")
    for (flow, partner, kind, year), target in TARGETS.items():
        codes = _CHIPS if kind == "chips" else ("880622",)
        done = _seen(p, flow, partner, codes, year)
        left = target - done
        if left < 5_000:  # close enough: the named cases carry the figure
            continue
        parts = max(1, min(12, left // 400_000))
        for k in range(parts):
            amount = left // parts + (left % parts if k == parts - 1 else 0)
            item = good(rng.choice(codes))
            day = date(year, 1 + (k * 12) // parts, rng.randint(1, 28))
            quantity = max(1, round(amount / item.price))
            if flow == "import":
                p.ship(
                    plan,
                    day,
                    rng.choice(suppliers),
                    rng.choice(traders),
                    item,
                    quantity,
                    amount / quantity,
                    value_usd=round(amount / 1.05),
                    import_value_usd=amount,
                )
            else:
                p.ship(
                    plan,
                    day,
                    rng.choice(traders),
                    rng.choice(buyers),
                    item,
                    quantity,
                    amount / quantity,
                    value_usd=amount,
                )


def _seen(p: Planter, flow: str, partner: str | None, codes: tuple[str, ...], year: int) -> int:
    """What the named cases already add to one of Kazakhstan's reported figures."""
    firms = p.world.firms
    total = 0
    wanted = {index()[c] for c in codes}
    for row in p.shipments:
        day = row["day"]
        assert isinstance(day, date)
        if day.year != year or row["good"] not in wanted:
            continue
        sender, receiver = firms[int(row["exporter"])], firms[int(row["importer"])]  # type: ignore[call-overload]
        if flow == "import" and receiver.country == CALIBRATED_HUB and row["in_import_stats"]:
            total += int(row["import_value_usd"])  # type: ignore[call-overload]
        elif (
            flow == "export"
            and sender.country == CALIBRATED_HUB
            and row["in_export_stats"]
            and (partner is None or receiver.country == partner)
        ):
            total += int(row["value_usd"])  # type: ignore[call-overload]
    return total


def drone_good() -> Good:
    return good("880622")
