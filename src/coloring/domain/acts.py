"""Acts accepted before their contract is signed.

The contract does not date its acts (section 2 only asks that the contract exists), and records
are applied in time order, so an act may come before the `Contract` aggregate it belongs to.
Such acts are kept here, one aggregate per contract id; a payment's payable value for the
contract counts them with the contract's own (`coloring.usecases.money.Money._document`).
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from coloring.domain.documents import AcceptedAct
from coloring.domain.ids import natural_key
from coloring.domain.topics import TopicAggregate


class EarlyActs(TopicAggregate):
    TOPIC = "coloring.EarlyActs"

    class Opened(Aggregate.Created):
        contract_id: str

    class ActAccepted(AcceptedAct):
        """An act of work accepted before its contract was signed."""

    create_id = natural_key("early-acts", "contract_id")

    @event(Opened)
    def __init__(self, contract_id: str) -> None:
        self.contract_id = contract_id
        self.accepted = 0

    def accept_act(self, act_id: str, amount: int, at_us: int, at_offset: int, seq: int) -> None:
        self._act_accepted(
            contract_id=self.contract_id,
            act_id=act_id,
            amount=amount,
            at_us=at_us,
            at_offset=at_offset,
            seq=seq,
        )

    @event(ActAccepted)
    def _act_accepted(
        self, contract_id: str, act_id: str, amount: int, at_us: int, at_offset: int, seq: int
    ) -> None:
        self.accepted += amount
