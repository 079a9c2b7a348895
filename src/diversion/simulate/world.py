"""The firms and people of the synthetic world, with their identifiers, owners, directors and families.

Firm sizes are heavy-tailed (Pareto): a few large distributors carry much of the trade and most firms are
small traders. Every firm has owners (people, or a parent company) whose shares add up to 100%, and a
director; people have relatives. The world is built in Python because it is small beside the trade it
carries (one firm per ``Params.declarations_per_firm`` lines); trade itself is generated in columns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from diversion.simulate import identifiers as ids
from diversion.simulate import names
from diversion.simulate.params import DESTINATION, EU_ORIGINS, HUBS, ORIGINS, OTHERS, Params

CALLING_CODES = {
    "RU": "+7",
    "KZ": "+7",
    "KG": "+996",
    "AM": "+374",
    "GE": "+995",
    "UZ": "+998",
    "AE": "+971",
    "TR": "+90",
    "CN": "+86",
    "HK": "+852",
    "DE": "+49",
    "NL": "+31",
    "FR": "+33",
    "IT": "+39",
    "PL": "+48",
    "FI": "+358",
    "LT": "+370",
    "KR": "+82",
    "TW": "+886",
    "JP": "+81",
    "US": "+1",
    "IN": "+91",
    "BR": "+55",
    "VN": "+84",
    "TH": "+66",
    "MY": "+60",
    "GB": "+44",
    "EG": "+20",
    "RS": "+381",
}
CITIES = {
    "RU": ("г. Москва", "г. Санкт-Петербург", "г. Новосибирск", "г. Екатеринбург", "г. Казань"),
    "KZ": ("г. Алматы", "г. Астана", "г. Шымкент", "г. Караганда"),
    "KG": ("г. Бишкек", "г. Ош", "г. Кара-Балта"),
    "AM": ("Yerevan", "Gyumri"),
    "GE": ("Tbilisi", "Batumi"),
    "UZ": ("Tashkent", "Samarkand"),
    "AE": ("Dubai", "Sharjah", "Abu Dhabi"),
    "TR": ("Istanbul", "Ankara", "Izmir"),
    "CN": ("Shenzhen", "Shanghai", "Guangzhou", "Ningbo"),
    "HK": ("Hong Kong", "Kowloon"),
    "NL": ("Amsterdam", "Rotterdam", "Eindhoven"),
    "FR": ("Paris", "Lyon"),
    "IT": ("Milano", "Torino"),
    "PL": ("Warszawa", "Gdańsk"),
    "FI": ("Helsinki", "Espoo"),
    "LT": ("Vilnius", "Kaunas"),
    "KR": ("Seoul", "Busan", "Incheon"),
    "TW": ("Taipei", "Hsinchu"),
    "JP": ("Tokyo", "Osaka"),
    "US": ("San Jose", "Austin", "Boston"),
    "IN": ("Mumbai", "Bengaluru"),
    "BR": ("São Paulo",),
    "VN": ("Hanoi", "Ho Chi Minh City"),
    "TH": ("Bangkok",),
    "MY": ("Kuala Lumpur", "Penang"),
    "GB": ("London", "Manchester"),
    "EG": ("Cairo", "Alexandria"),
    "RS": ("Belgrade", "Novi Sad"),
    "DE": ("Berlin", "Hamburg", "München", "Frankfurt am Main"),
}
STREETS_CYRL = (
    "ул. Ленина",
    "пр. Абая",
    "ул. Советская",
    "пр. Достык",
    "ул. Мира",
    "ул. Гагарина",
    "ул. Садовая",
)
STREETS_LATN = (
    "Main Street",
    "Industrial Road",
    "Harbour Avenue",
    "Station Road",
    "Park Lane",
    "Trade Center",
)
CYRILLIC_COUNTRIES = ("RU", "KZ", "KG")


@dataclass
class Person:
    id: str
    country: str
    name: names.PersonName
    born: date
    inn: str = ""
    bin: str = ""


@dataclass
class Firm:
    id: str
    country: str
    name: names.CompanyName
    role: str  # manufacturer | distributor | trader | consignee | defence | holding
    size: float
    incorporated: date
    address: str
    phone: str
    ident: dict[str, str] = field(default_factory=dict)
    planted: bool = False  # made for a scheme or a decoy
    background: bool = (
        True  # False: trades only in planted shipments (planted after the trade pools were set)
    )

    @property
    def national_id(self) -> str:
        """The identifier a customs declaration of its country would carry."""
        for key in ("bin", "inn", "kg_inn", "vat", "registration_number"):
            if self.ident.get(key):
                return self.ident[key]
        return ""


@dataclass
class Relation:
    id: str
    kind: str  # ownership | directorship | family | payment | licence | associate
    subject_id: str
    object_id: str
    share: float | None = None
    role: str = ""
    start: date | None = None
    amount: float | None = None
    currency: str = ""
    description: str = ""


@dataclass
class Listing:
    party_id: str
    list: str
    program: str
    authority: str
    listed_on: date
    reason: str


@dataclass
class World:
    """Everyone in the world and how they are linked; trade refers to firms by index."""

    params: Params
    rng: random.Random
    firms: list[Firm] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)

    def firm(self, party_id: str) -> Firm:
        return self.firms[self.by_id[party_id]]

    def add_firm(
        self,
        country: str,
        role: str,
        *,
        size: float = 1.0,
        incorporated: date | None = None,
        name: names.CompanyName | None = None,
    ) -> Firm:
        rng = self.rng
        number = len(self.firms) + 1
        day = incorporated or _day_between(rng, date(1995, 1, 1), date(2021, 6, 30))
        firm = Firm(
            id=f"{country.lower()}-co-{number:07d}",
            country=country,
            name=name or names.company_name(rng, country),
            role=role,
            size=size,
            incorporated=day,
            address=_address(rng, country),
            phone=_phone(rng, country),
            ident=_company_ids(rng, country, day),
        )
        self.by_id[firm.id] = len(self.firms)
        self.firms.append(firm)
        return firm

    def add_person(
        self, country: str, *, surname: str | None = None, sex: str | None = None, born: date | None = None
    ) -> Person:
        rng = self.rng
        day = born or _day_between(rng, date(1950, 1, 1), date(1998, 12, 31))
        person = Person(
            id=f"{country.lower()}-pe-{len(self.people) + 1:07d}",
            country=country,
            name=names.person_name(rng, country, sex=sex, surname=surname),
            born=day,
        )
        if country == "RU":
            person.inn = ids.ru_inn(rng, person=True)
        elif country == "KZ":
            person.bin = ids.kz_bin(rng, person=True, born=day)
        self.people.append(person)
        return person

    def relate(self, kind: str, subject_id: str, object_id: str, **values: object) -> Relation:
        relation = Relation(f"rel-{len(self.relations) + 1:08d}", kind, subject_id, object_id, **values)  # type: ignore[arg-type]
        self.relations.append(relation)
        return relation

    def own(self, owner_id: str, firm: Firm, share: float, role: str = "shareholder") -> Relation:
        return self.relate("ownership", owner_id, firm.id, share=share, role=role, start=firm.incorporated)

    def direct(self, person: Person, firm: Firm) -> Relation:
        return self.relate("directorship", person.id, firm.id, role="director", start=firm.incorporated)


ROLE_MIX = (
    # country group, role, share of firms
    (ORIGINS, "manufacturer", 0.22),
    (HUBS, "distributor", 0.08),
    (HUBS, "trader", 0.30),
    ((DESTINATION,), "consignee", 0.25),
    (OTHERS, "trader", 0.15),
)


def build(params: Params, rng: random.Random) -> World:
    """Background firms with owners and directors; schemes add their own members later."""
    world = World(params, rng)
    sizes = np.random.default_rng(rng.getrandbits(64)).pareto(params.size_tail, params.firms) + 1.0
    k = 0
    for countries, role, share in ROLE_MIX:
        count = max(len(countries), int(params.firms * share))
        for i in range(count):
            country = countries[i % len(countries)] if i < len(countries) else rng.choice(countries)
            size = float(sizes[k % len(sizes)]) * (8.0 if role == "distributor" else 1.0)
            k += 1
            firm = world.add_firm(country, role, size=size)
            _owners(world, firm)
    _families(world)
    return world


def _owners(world: World, firm: Firm) -> None:
    rng = world.rng
    if rng.random() < 0.08 and len(world.firms) > 50:
        parent = world.firms[rng.randrange(len(world.firms) - 1)]
        if parent.country == firm.country and parent.id != firm.id:
            world.own(parent.id, firm, 100.0, role="parent company")
            director = world.add_person(firm.country)
            world.direct(director, firm)
            return
    count = rng.choice((1, 1, 1, 2, 2, 3))
    shares = _split(rng, 100.0, count)
    owners = [world.add_person(_person_country(rng, firm.country)) for _ in range(count)]
    for owner, share in zip(owners, shares, strict=True):
        world.own(owner.id, firm, share, role="founder" if share == max(shares) else "shareholder")
    director = owners[0] if rng.random() < 0.6 else world.add_person(firm.country)
    world.direct(director, firm)


def _families(world: World) -> None:
    """Some owners are parent and child, or spouses: the links a family route hides behind."""
    rng = world.rng
    for _ in range(len(world.people) // 20):
        a, b = rng.sample(range(len(world.people)), 2)
        world.relate("family", world.people[a].id, world.people[b].id, role=rng.choice(("spouse", "sibling")))


def _split(rng: random.Random, total: float, parts: int) -> list[float]:
    if parts == 1:
        return [total]
    cuts = sorted(rng.randint(10, 90) for _ in range(parts - 1))
    edges = [0, *cuts, 100]
    shares = [float(max(1, edges[i + 1] - edges[i])) for i in range(parts)]
    shares[-1] = total - sum(shares[:-1])
    return shares


def _person_country(rng: random.Random, firm_country: str) -> str:
    # Russian citizens own firms across the region: that is what the same-owner schemes exploit.
    if firm_country in HUBS and rng.random() < 0.15:
        return DESTINATION
    return firm_country


def _company_ids(rng: random.Random, country: str, day: date) -> dict[str, str]:
    found: dict[str, str] = {}
    if country == "KZ":
        found["bin"] = ids.kz_bin(rng, registered=day)
    elif country == "RU":
        found["inn"] = ids.ru_inn(rng)
        found["ogrn"] = ids.ru_ogrn(rng, registered=day)
    elif country == "KG":
        found["kg_inn"] = ids.kg_inn(rng)
    elif country in EU_ORIGINS:
        found["vat"] = ids.vat(rng, country)
    else:
        found["registration_number"] = ids.vat(rng, country)
    if country not in ("KZ", "KG", "RU") and rng.random() < 0.3:
        found["lei"] = ids.lei(rng)
    return found


def _address(rng: random.Random, country: str) -> str:
    cities = CITIES.get(country, ("Capital City",))
    if country in CYRILLIC_COUNTRIES:
        return f"{rng.choice(cities)}, {rng.choice(STREETS_CYRL)}, {rng.randint(1, 250)}"
    return f"{rng.randint(1, 250)} {rng.choice(STREETS_LATN)}, {rng.choice(cities)}"


def _phone(rng: random.Random, country: str) -> str:
    code = CALLING_CODES.get(country, "+1")
    return f"{code} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def day_between(rng: random.Random, first: date, last: date) -> date:
    return _day_between(rng, first, last)
