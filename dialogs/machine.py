"""One transitions Machine per pathway, shared by all conversations on it (``add_model``).

States are ``start``, one per question and ``advice``. ``ask_<question>`` moves a conversation to a
question and is guarded: it only fires when that question is the one the logic needs next, so a
forged or stale jump changes nothing. Never pickle a Machine: store ``Conversation.save()``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from transitions import Machine

from .conversation import Conversation
from .flows import FLOWS, Flow
from .progress import ADVICE, START, next_state


class PathwayMachine:
    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        states = [START, *(q.id for q in flow.questions), ADVICE]
        self.machine = Machine(model=[], states=states, initial=START, auto_transitions=False,
                               send_event=True, ignore_invalid_triggers=False)
        for q in flow.questions:
            self.machine.add_transition(
                f"ask_{q.id}", source="*", dest=q.id,
                conditions=[lambda ev, qid=q.id: next_state(ev.model) == qid])
        self.machine.add_transition("finish", source="*", dest=ADVICE,
                                    conditions=[lambda ev: next_state(ev.model) == ADVICE])
        self.machine.add_transition("reset", source="*", dest=START)

    def attach(self, conv: Conversation, state: str = START) -> None:
        self.machine.add_model(conv, initial=state)

    def detach(self, conv: Conversation) -> None:
        self.machine.remove_model(conv)

    def move(self, conv: Conversation, dest: str) -> bool:
        """Fire the guarded transition to ``dest``; False when the guard refuses."""
        trigger = "finish" if dest == ADVICE else f"ask_{dest}"
        fired: Any = conv.trigger(trigger)  # type: ignore[attr-defined]
        return bool(fired)


@cache
def machine_for(pathway: str) -> PathwayMachine:
    return PathwayMachine(FLOWS[pathway])
