"""Names reduced to words, legal form, patronymic and initials."""

from __future__ import annotations

from diversion.resolve.names import name_parts


def test_company_spellings_share_a_key() -> None:
    keys = {
        name_parts(n).key for n in ("ТОО «Аспан Арба»", "TOO ASPAN ARBA", "Aspan Arba LLP", "ЖШС Аспан Арба")
    }
    assert keys == {"arba aspan"}


def test_person_parts() -> None:
    full = name_parts("Петров Алексей Викторович", "person")
    assert full.tokens == ("petrov", "alexei") and full.patronymic == "viktor" and full.initials == ""
    short = name_parts("Petrov A. V.", "person")
    assert short.tokens == ("petrov",) and short.initials == "av" and short.patronymic is None


def test_kazakh_patronymic_as_a_word() -> None:
    parts = name_parts("Нұрлан Серік ұлы Әбенов", "person")
    assert parts.patronymic == "serik" and set(parts.tokens) == {"nurlan", "abenov"}


def test_sole_trader_is_read_as_a_person() -> None:
    parts = name_parts("ИП Лукьянов Денис Вадимович", "company")
    assert parts.legal_form == "sole_trader" and parts.patronymic == "vadim"
