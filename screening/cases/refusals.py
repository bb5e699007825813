"""The one exception of the review workflow: every refused action on a case (SPEC §5)."""


class TransitionRefused(Exception):
    """An action on a case was refused; `reason` is for the user, `code` for programs.

    Codes: not_allowed (the state does not allow it), forbidden (not this user's action),
    guard (a condition of SPEC §5 is not met), invalid (input missing or wrong), conflict
    (someone else changed the case meanwhile).
    """

    def __init__(self, reason: str, code: str = "not_allowed"):
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __str__(self) -> str:
        return str(self.reason)
