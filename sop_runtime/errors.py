"""Errors raised by sop-runtime: one tree, each class carrying its kind.

Every error the product raises to a user on purpose is a :class:`SopRuntimeError`. Its class
attribute ``kind`` says what it means for whoever asked, whatever the interface, and the CLI's
exit code and the web's HTTP status follow from it (``sop_runtime.cli.app.exit_code``,
``sop_runtime.web.app``): ``refused`` (the procedure refused it; the attempt is recorded),
``conflict`` (the case moved meanwhile: reload), ``not_found`` (an unknown name, or a command
the rules reject as impossible), ``bad_input`` (a file handed in that cannot be used as it is:
the user's to fix), ``not_allowed`` (not this user's to do; nothing recorded),
``damaged`` (a stored record was edited or damaged outside the product: run ``sop verify``),
``problem`` (anything else the user can fix). A subclass inherits its parent's kind unless it
says otherwise; renaming or moving a class changes nothing of how it is answered.

The whole tree (``tests/unit/test_errors.py`` finds every subclass in the package and checks
it is here, with this kind, exit code and status)::

    class                module                            kind         exit  HTTP
    SopRuntimeError      sop_runtime.errors                problem      1     422
    DefinitionError      sop_runtime.errors                problem      1     400
    NotFoundError        sop_runtime.errors                not_found    2     404
    Withheld             sop_runtime.service.confidential  not_found    2     404
    Damaged              sop_runtime.errors                damaged      1     500
    ActionError          sop_runtime.actions               problem      1     422
    HeadError            sop_runtime.audit.heads           bad_input    2     422
    PdfUnavailable       sop_runtime.audit.pdf             problem      1     422
    SigningKeyError      sop_runtime.audit.signing         problem      1     422
    WitnessError         sop_runtime.audit.witness         bad_input    2     422
    Unreachable          sop_runtime.audit.witness         problem      1     422
    NotServed            sop_runtime.audit.witness         problem      1     422
    LogError             sop_runtime.conformance.readers   bad_input    2     422
    CommandRejected      sop_runtime.engine.rejections     not_found    2     422
    StaleAction          sop_runtime.engine.rejections     conflict     3     409
    ServerDidNotStart    sop_runtime.flows.server          problem      1     422
    WeakPassword         sop_runtime.service.auth          problem      1     422
    Refused              sop_runtime.service.cases         refused      4     403
    NotAllowed           sop_runtime.service.people        not_allowed  1     403
    NotInitialised       sop_runtime.service.ready         not_found    2     422
    BadSearch            sop_runtime.service.search        problem      1     422
    BackupRefused        sop_runtime.service.backup        problem      1     422
    BackupInputError     sop_runtime.service.backup        bad_input    2     422
    RestoreRefused       sop_runtime.service.restore       problem      1     422
    TooManyTries         sop_runtime.service.signin        problem      1     422
    SurveyRefused        sop_runtime.service.survey        problem      1     422
    TrackingRefused      sop_runtime.service.tracking      not_found    2     422
    CodeNotCurrent       sop_runtime.service.tracking      conflict     3     409
    UploadRefused        sop_runtime.service.documents     problem      1     422
    DocumentWithheld     sop_runtime.service.documents     not_allowed  1     403
    StoreError           sop_runtime.store.errors          problem      1     422
    ConcurrencyConflict  sop_runtime.store.errors          conflict     3     409
    DatabaseUnavailable  sop_runtime.store.errors          problem      1     422
    CopyFailed           sop_runtime.store.errors          problem      1     422
    ApiError             sop_runtime.web.deps              problem      1     own
    SignInNeeded         sop_runtime.web.deps              problem      1     401

Parents: ``Withheld`` is a ``NotFoundError``, ``StaleAction`` a ``CommandRejected``,
``ConcurrencyConflict``, ``DatabaseUnavailable`` and ``CopyFailed`` are each a
``StoreError``, ``NotServed`` an ``Unreachable``, ``SignInNeeded`` an ``ApiError``; the rest
are direct children of ``SopRuntimeError``. ``DefinitionError`` carries every Problem found,
with file:line:col, and the CLI prints them one a line. An ``ApiError`` carries its own status
(``own``); the pages send a ``SignInNeeded`` browser to the sign-in page, and the sign-in page
answers ``TooManyTries`` with 429 and Retry-After.

Not in the tree, because none reaches a user as such (each is caught and turned into one
above, a Problem, or a value pydantic reports): ``TimeLimitError`` and ``NaiveDatetimeError``
(each a ``ValueError`` for the validators), ``YamlError`` and ``yamlbuild.Refused`` (become
Problems), ``UnknownEventType`` (a stored event of no known type), ``DemoFailed`` (the demo's
own report), ``conformance.synthetic_log._NoSpot`` (a search's dead end),
``conformance.canonical_flow.Unsupported`` (a case the replay automaton leaves to the engine),
``flows.applicant.NoGateway`` (a channel without the court's gateway: the notice's recorded
failure), ``service.cases._Unverified`` (a kept case state found stale in the write
transaction: the action is decided again from the log), ``audit.logtree.MissingNode`` (a
node of the seals' tree not stored: a seal's check names it, sealing raises ``Damaged``), and
``InvalidTransition``: a log the engine cannot fold is a bug or damage the CLI names in its
own line (``run sop verify``), never a user's mistake.

Interfaces catch ``SopRuntimeError`` and print its message; anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Literal

from sop_runtime.problems import Problem

Kind = Literal["refused", "conflict", "not_found", "bad_input", "not_allowed", "damaged",
               "problem"]
KINDS: tuple[Kind, ...] = ("refused", "conflict", "not_found", "bad_input", "not_allowed",
                           "damaged", "problem")


class SopRuntimeError(Exception):
    """Root of the errors sop-runtime raises on purpose."""

    kind: ClassVar[Kind] = "problem"


class DefinitionError(SopRuntimeError):
    """One or more problems make a definition unusable."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class NotFoundError(SopRuntimeError):
    """A named SOP, file or object does not exist."""

    kind: ClassVar[Kind] = "not_found"


class Damaged(SopRuntimeError):
    """A stored record no longer matches its hash (edited or damaged outside the product):
    nothing may be decided from it."""

    kind: ClassVar[Kind] = "damaged"


def kind_of(exc: SopRuntimeError) -> Kind:
    """What an error the product raised means for whoever asked (see the module's table)."""
    return exc.kind
