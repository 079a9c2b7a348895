"""The goods of the synthetic world: HS codes with descriptions, units, prices and brands.

Prices are drawn per code from a log-normal distribution around a median unit price (``sigma`` its
spread), so a markup shows as a unit value far out in the tail for the same code. Drones moved from
heading 8802/8525 (HS 2017) to 8806 (HS 2022): a good carries the code of each edition, and a line is
declared with the code of the edition in force on its date. Whether a code is controlled is read from the
CHPL shipped with the package, never decided here.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Final

from diversion.model.hs import HS2022_START
from diversion.model.reference import chpl_codes, hs2017_for, hs2022_descriptions


@dataclass(frozen=True)
class Good:
    hs2022: str
    hs2017: str
    en: str
    ru: str
    unit: str  # "pcs" or "kg"
    price: float  # median unit price, USD
    sigma: float  # log-normal spread of the unit price
    kg_per_unit: float
    weight: float  # share of background trade
    kind: str  # electronics, drones, machinery, vehicles, food, textiles, consumer, materials
    brands: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def code_on(self, day: date) -> str:
        return self.hs2022 if day >= HS2022_START else self.hs2017

    @property
    def controlled(self) -> bool:
        return self.hs2022 in chpl_codes()


def _g(
    hs2022: str,
    hs2017: str,
    en: str,
    ru: str,
    unit: str,
    price: float,
    sigma: float,
    kg: float,
    weight: float,
    kind: str,
    brands: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> Good:
    return Good(hs2022, hs2017, en, ru, unit, price, sigma, kg, weight, kind, brands)


_CHIPS: Final = (
    ("Texas Instruments", ("TMS320F28335", "LM358DR")),
    ("Analog Devices", ("AD8605ARTZ", "ADSP-21569")),
    ("STMicroelectronics", ("STM32F407VGT6", "STM32H743")),
    ("Xilinx", ("XC7Z020",)),
    ("Infineon", ("IRF7416",)),
    ("Microchip", ("ATMEGA328P",)),
)
_TRANSISTORS: Final = (  # the shape of _CHIPS (brands and models per brand): the same random draws pick them
    ("Infineon", ("IRF7416", "IRFZ44N")),
    ("onsemi", ("2N2222A", "NTD5867NL")),
    ("STMicroelectronics", ("STP55NF06", "STD10NF10")),
    ("Nexperia", ("BSS138",)),
    ("Vishay", ("SI2302CDS",)),
    ("Toshiba", ("2SC5200",)),
)
_DJI: Final = (
    ("DJI", ("Mavic 3", "Mavic 3 Classic", "Matrice 300 RTK", "Avata", "Mini 3 Pro")),
    ("Autel", ("EVO II",)),
)
_AGRAS: Final = (("DJI", ("Agras T30", "Agras T40", "Agras T10")),)

GOODS: Final[tuple[Good, ...]] = (
    # Controlled (CHPL) electronics and parts.
    _g(
        "854231",
        "854231",
        "Integrated circuits: processors and controllers",
        "Схемы интегральные электронные: процессоры и контроллеры",
        "pcs",
        9.0,
        0.9,
        0.002,
        1.2,
        "electronics",
        _CHIPS,
    ),
    _g(
        "854232",
        "854232",
        "Integrated circuits: memories",
        "Схемы интегральные электронные: запоминающие устройства",
        "pcs",
        4.0,
        0.8,
        0.002,
        0.8,
        "electronics",
        _CHIPS,
    ),
    _g(
        "854233",
        "854233",
        "Integrated circuits: amplifiers",
        "Схемы интегральные электронные: усилители",
        "pcs",
        2.5,
        0.8,
        0.001,
        0.5,
        "electronics",
        _CHIPS,
    ),
    _g(
        "854239",
        "854239",
        "Integrated circuits, other",
        "Схемы интегральные электронные прочие",
        "pcs",
        3.0,
        0.9,
        0.002,
        0.6,
        "electronics",
        _CHIPS,
    ),
    _g(
        "851762",
        "851762",
        "Machines for reception and transmission of data",
        "Аппаратура для приема и передачи данных",
        "pcs",
        120.0,
        0.7,
        0.8,
        1.0,
        "electronics",
        (("Cisco", ("C9200-24T",)), ("Huawei", ("S5735",))),
    ),
    _g(
        "852691",
        "852691",
        "Radio navigational aid apparatus",
        "Аппаратура радионавигационная",
        "pcs",
        250.0,
        0.7,
        0.6,
        0.3,
        "electronics",
        (("Garmin", ("GPSMAP 67",)), ("u-blox", ("NEO-M8N",))),
    ),
    _g(
        "853224",
        "853224",
        "Ceramic multilayer capacitors",
        "Конденсаторы керамические многослойные",
        "kg",
        60.0,
        0.6,
        1.0,
        0.4,
        "electronics",
        (("Murata", ("GRM188",)),),
    ),
    _g(
        "854800",
        "854800",
        "Electrical parts of machinery n.e.s.",
        "Электрические части машин, в другом месте не поименованные",
        "kg",
        40.0,
        0.8,
        1.0,
        0.4,
        "electronics",
    ),
    _g(
        "847150",
        "847150",
        "Processing units for computers",
        "Блоки обработки данных вычислительных машин",
        "pcs",
        600.0,
        0.6,
        6.0,
        0.6,
        "electronics",
        (("Dell", ("PowerEdge R750",)), ("HP", ("ProLiant DL380",))),
    ),
    _g(
        "850440",
        "850440",
        "Static converters",
        "Преобразователи статические",
        "pcs",
        35.0,
        0.9,
        0.5,
        0.9,
        "electronics",
        (("Mean Well", ("LRS-350",)),),
    ),
    _g(
        "852589",
        "852589",
        "Television cameras n.e.s.",
        "Камеры телевизионные прочие",
        "pcs",
        300.0,
        0.8,
        0.7,
        0.3,
        "electronics",
        (("FLIR", ("Boson 640",)), ("Hikvision", ("DS-2TD",))),
    ),
    _g(
        "854129",
        "854129",
        "Transistors, other than photosensitive",
        "Транзисторы, кроме фототранзисторов",
        "pcs",
        0.8,
        0.8,
        0.001,
        0.4,
        "electronics",
        _TRANSISTORS,
    ),
    _g(
        "848210",
        "848210",
        "Ball bearings",
        "Подшипники шариковые",
        "pcs",
        6.0,
        0.7,
        0.2,
        0.7,
        "machinery",
        (("SKF", ("6205-2RS",)), ("FAG", ("6204",))),
    ),
    _g(
        "880730",
        "880730",
        "Parts of unmanned aircraft",
        "Части беспилотных летательных аппаратов",
        "pcs",
        70.0,
        0.9,
        0.3,
        0.2,
        "drones",
        _DJI,
    ),
    _g(
        "901310",
        "901310",
        "Telescopic sights for arms",
        "Прицелы телескопические для оружия",
        "pcs",
        400.0,
        0.6,
        0.7,
        0.1,
        "optics",
        (("Leupold", ("VX-5HD",)), ("Vortex", ("Viper PST",))),
    ),
    _g(
        "901380",
        "901380",
        "Optical devices n.e.s.",
        "Приборы оптические прочие",
        "pcs",
        150.0,
        0.8,
        0.5,
        0.2,
        "optics",
    ),
    _g(
        "847180",
        "847180",
        "Units of data processing machines n.e.s.",
        "Блоки вычислительных машин прочие",
        "pcs",
        200.0,
        0.8,
        1.5,
        0.4,
        "electronics",
    ),
    _g(
        "903082",
        "903082",
        "Instruments for checking semiconductor wafers",
        "Приборы для контроля полупроводниковых пластин",
        "pcs",
        5000.0,
        0.7,
        30.0,
        0.05,
        "electronics",
    ),
    # Drones: not on the CHPL (its 8807.30 covers parts), watched by export controls all the same.
    _g(
        "880622",
        "880220",
        "Unmanned aircraft, remote-controlled, 250 g to 7 kg",
        "Беспилотные летательные аппараты с дистанционным управлением, от 250 г до 7 кг",
        "pcs",
        1800.0,
        0.5,
        1.2,
        0.15,
        "drones",
        _DJI,
    ),
    _g(
        "880624",
        "880220",
        "Unmanned aircraft, remote-controlled, 25 kg to 150 kg",
        "Беспилотные летательные аппараты с дистанционным управлением, от 25 до 150 кг",
        "pcs",
        14000.0,
        0.3,
        77.0,
        0.03,
        "drones",
        _AGRAS,
    ),
    _g(
        "842441",
        "842441",
        "Agricultural sprayers, portable",
        "Опрыскиватели сельскохозяйственные переносные",
        "pcs",
        90.0,
        0.6,
        6.0,
        0.3,
        "machinery",
        (("Solo", ("425",)), ("Stihl", ("SR 450",))),
    ),
    _g(
        "842449",
        "842449",
        "Agricultural sprayers, other",
        "Опрыскиватели сельскохозяйственные прочие",
        "pcs",
        4000.0,
        0.7,
        400.0,
        0.2,
        "machinery",
        (("Amazone", ("UX 5201",)), ("Hardi", ("Navigator",))),
    ),
    # Everything else: the bulk of trade.
    _g(
        "851713",
        "851713",
        "Smartphones",
        "Смартфоны",
        "pcs",
        320.0,
        0.7,
        0.3,
        3.0,
        "consumer",
        (
            ("Samsung", ("Galaxy A54", "Galaxy S23")),
            ("Xiaomi", ("Redmi Note 12",)),
            ("Apple", ("iPhone 14",)),
        ),
    ),
    _g(
        "847130",
        "847130",
        "Portable computers",
        "Машины вычислительные портативные",
        "pcs",
        650.0,
        0.6,
        2.0,
        2.0,
        "consumer",
        (("Lenovo", ("ThinkPad E14",)), ("HP", ("ProBook 450",))),
    ),
    _g(
        "870323",
        "870323",
        "Passenger cars, 1500-3000 cc",
        "Автомобили легковые с двигателем 1500-3000 см3",
        "pcs",
        24000.0,
        0.5,
        1500.0,
        1.5,
        "vehicles",
        (("Toyota", ("Camry", "RAV4")), ("Hyundai", ("Tucson",)), ("Kia", ("Sportage",))),
    ),
    _g(
        "401110",
        "401110",
        "New pneumatic tyres for cars",
        "Шины пневматические новые для легковых автомобилей",
        "pcs",
        70.0,
        0.5,
        9.0,
        2.0,
        "vehicles",
        (("Michelin", ("Pilot Sport 4",)), ("Nokian", ("Hakkapeliitta 10",))),
    ),
    _g(
        "870899",
        "870899",
        "Parts of motor vehicles n.e.s.",
        "Части автомобилей прочие",
        "kg",
        12.0,
        0.7,
        1.0,
        3.0,
        "vehicles",
    ),
    _g(
        "842952",
        "842952",
        "Excavators",
        "Экскаваторы",
        "pcs",
        90000.0,
        0.5,
        20000.0,
        0.4,
        "machinery",
        (("Caterpillar", ("320",)), ("Komatsu", ("PC200",))),
    ),
    _g(
        "841810",
        "841810",
        "Refrigerator-freezers",
        "Холодильники-морозильники",
        "pcs",
        400.0,
        0.5,
        70.0,
        1.5,
        "consumer",
        (("Bosch", ("KGN39",)), ("LG", ("GA-B509",))),
    ),
    _g("940360", "940360", "Wooden furniture", "Мебель деревянная", "kg", 4.0, 0.6, 1.0, 2.0, "consumer"),
    _g("950300", "950300", "Toys", "Игрушки", "kg", 8.0, 0.7, 1.0, 2.0, "consumer"),
    _g(
        "330499",
        "330499",
        "Beauty and skin-care preparations",
        "Средства косметические для ухода за кожей",
        "kg",
        25.0,
        0.8,
        1.0,
        1.5,
        "consumer",
    ),
    _g(
        "300490",
        "300490",
        "Medicaments, packaged",
        "Лекарственные средства расфасованные",
        "kg",
        60.0,
        1.0,
        1.0,
        2.0,
        "consumer",
    ),
    _g(
        "610910",
        "610910",
        "T-shirts of cotton",
        "Футболки хлопчатобумажные",
        "pcs",
        3.0,
        0.6,
        0.2,
        3.0,
        "textiles",
    ),
    _g(
        "620342",
        "620342",
        "Men's trousers of cotton",
        "Брюки мужские хлопчатобумажные",
        "pcs",
        9.0,
        0.6,
        0.5,
        2.0,
        "textiles",
    ),
    _g(
        "640399",
        "640399",
        "Footwear with leather uppers",
        "Обувь с верхом из кожи",
        "pcs",
        20.0,
        0.6,
        0.9,
        2.0,
        "textiles",
    ),
    _g("080510", "080510", "Oranges", "Апельсины", "kg", 0.9, 0.3, 1.0, 3.0, "food"),
    _g("040690", "040690", "Cheese", "Сыры", "kg", 5.5, 0.4, 1.0, 2.0, "food"),
    _g(
        "170199",
        "170199",
        "Cane or beet sugar",
        "Сахар тростниковый или свекловичный",
        "kg",
        0.6,
        0.3,
        1.0,
        2.0,
        "food",
    ),
    _g("090111", "090111", "Coffee, not roasted", "Кофе нежареный", "kg", 4.0, 0.3, 1.0, 1.0, "food"),
    _g("100199", "100199", "Wheat", "Пшеница", "kg", 0.3, 0.2, 1.0, 3.0, "food"),
    _g(
        "020130",
        "020130",
        "Beef, fresh, boneless",
        "Говядина свежая бескостная",
        "kg",
        6.0,
        0.3,
        1.0,
        1.5,
        "food",
    ),
    _g(
        "310520",
        "310520",
        "Fertilisers with nitrogen, phosphorus and potassium",
        "Удобрения азотно-фосфорно-калийные",
        "kg",
        0.5,
        0.3,
        1.0,
        1.5,
        "materials",
    ),
    _g(
        "720839",
        "720839",
        "Flat-rolled iron, hot-rolled",
        "Прокат плоский горячекатаный",
        "kg",
        0.8,
        0.3,
        1.0,
        2.0,
        "materials",
    ),
    _g(
        "390120",
        "390120",
        "Polyethylene, density 0.94 or more",
        "Полиэтилен плотностью 0,94 или более",
        "kg",
        1.3,
        0.3,
        1.0,
        1.5,
        "materials",
    ),
    _g(
        "271019",
        "271019",
        "Medium and heavy petroleum oils",
        "Нефтепродукты средние и тяжелые",
        "kg",
        0.7,
        0.3,
        1.0,
        1.0,
        "materials",
    ),
)


FILLER_SHARE: Final = 0.35
"""Share of background trade in the rest of the HS range (goods without a curated entry)."""
FILLER_PRICES: Final = (0.3, 300.0)
"""Median price per kg of rest-of-range goods: log-uniform between these, fixed per code."""


@cache
def catalogue() -> tuple[Good, ...]:
    """The curated goods, then every other HS 2022 subheading that maps one-to-one to HS 2017.

    The rest of the range is background only: described in English (the nomenclature's words), priced per
    kg, never controlled (CHPL codes, arms and aircraft are left out), the same in every world.
    """
    curated = {g.hs2022 for g in GOODS}
    total = sum(g.weight for g in GOODS)
    texts = hs2022_descriptions()
    rng = random.Random(0)
    rest = []
    for code in sorted(texts):
        pairs = hs2017_for(code)
        if code in curated or code in chpl_codes() or code[:2] in ("88", "93") or len(pairs) != 1:
            continue
        if pairs[0][1] != "1:1":
            continue
        low, high = FILLER_PRICES
        price = math.exp(rng.uniform(math.log(low), math.log(high)))
        rest.append((code, pairs[0][0], texts[code], price))
    weight = total * FILLER_SHARE / (1 - FILLER_SHARE) / len(rest)
    filler = tuple(
        Good(c, old, text, text, "kg", price, 0.5, 1.0, weight, "other") for c, old, text, price in rest
    )
    return GOODS + filler


@cache
def index() -> dict[str, int]:
    return {good.hs2022: i for i, good in enumerate(catalogue())}


def good(hs2022: str) -> Good:
    return catalogue()[index()[hs2022]]


def controlled_goods() -> tuple[Good, ...]:
    return tuple(g for g in GOODS if g.controlled)


def watched(good_: Good) -> bool:
    """Controlled (on the CHPL) or a drone: what a scheme moves."""
    return good_.controlled or good_.kind == "drones"
