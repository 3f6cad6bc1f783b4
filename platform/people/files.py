"""The person file (一人一档): the one rule every way in follows — matters, ledger rows,
receptions, intake cases, imports. A file belongs to a node and is keyed by the identity
number as ``privacy.identity.normalize_id_number`` spells it, so a later record of the same
person at that node, however the number was typed, lands in the same file."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from xinfang.platform.people.models import Person
from xinfang.platform.privacy.identity import id_number_problem, normalize_id_number, phone_problem


@dataclass
class Party:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""

    def cleaned(self) -> Party:
        number = normalize_id_number(self.id_number) if self.id_number.strip() else ""
        return Party(self.name.strip(), number, self.phone.strip(), self.address.strip())


def party_problems(party: Party, who: str = "当事人") -> list[str]:
    problems = []
    if not party.name.strip():
        problems.append(f"{who}姓名不能为空")
    elif len(party.name.strip()) > 64:
        problems.append(f"{who}姓名不能超过64个字")
    if party.id_number.strip():
        if "*" in party.id_number:
            problems.append(f"{who}身份证号是脱敏后的号码,请填写完整号码或留空")
        elif (problem := id_number_problem(party.id_number)) is not None:
            problems.append(f"{who}{problem}")
    if party.phone.strip() and (problem := phone_problem(party.phone)) is not None:
        problems.append(f"{who}{problem}")
    return problems


def find_file(session: Session, node_id: int, id_number: str) -> Person | None:
    """The file at ``node_id`` for this identity number, however it was typed, or None."""
    return session.scalar(_FILE, {"node": node_id, "number": normalize_id_number(id_number)})


_FILE = select(Person).where(Person.node_id == bindparam("node"), Person.id_number == bindparam("number"))


def person_file(session: Session, node_id: int, party: Party, *, flush: bool = True) -> Person | None:
    """The file at ``node_id`` for this identity number (opened if missing); None without a number.

    ``flush=False``: a file opened here is written with the caller's next flush (its id is
    unknown until then), one flush fewer for a caller that flushes its own row anyway; a second
    look-up of the same number still finds it (the query flushes it first)."""
    party = party.cleaned()
    if not party.id_number:
        return None
    person = find_file(session, node_id, party.id_number)
    if person is None:
        person = Person(node_id=node_id, name=party.name, id_number=party.id_number, phone=party.phone,
                        address=party.address)
        session.add(person)
        if flush:
            session.flush()
    return person
