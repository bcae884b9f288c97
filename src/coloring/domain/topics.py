"""Aggregates whose stored topics are spelled once: the aggregate's own `TOPIC`.

Stored events are decoded by their topic, so the strings never change (moves and renames
included). eventsourcing 9.5 refuses an aggregate with an explicit `TOPIC` unless each event
class on it has one too, and it re-creates the inherited `Created` on every subclass without
one. `TopicAggregate` gives each event class declared on such an aggregate, and the `Created`
the library needs, the topic `<aggregate TOPIC>.<class name>` before the library reads them.
Every topic is pinned in tests/unit/test_topics.py: a renamed event class fails there rather
than on an old ledger.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate


class TopicAggregate(Aggregate):
    """An aggregate (or a base of some) whose event classes take their topics from its `TOPIC`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        topic = cls.__dict__.get("TOPIC")
        if topic:
            # Never recorded (each `__init__` names the created event it records), but the
            # library defines one on every aggregate and refuses it without a topic.
            names = {"__module__": cls.__module__, "__qualname__": f"{cls.__qualname__}.Created"}
            cls.Created = type("Created", (Aggregate.Created,), names)  # type: ignore[assignment,misc]
            for name, value in tuple(cls.__dict__.items()):
                if isinstance(value, type) and issubclass(value, Aggregate.Event):
                    value.TOPIC = f"{topic}.{name}"  # type: ignore[attr-defined]
        super().__init_subclass__(**kwargs)
