"""Each rule's title and explanation, for people (the codes stay as the contract names them)."""

from __future__ import annotations

from coloring.domain.rules import Rule
from coloring.i18n import N_, Text

RULE_TEXT: dict[Rule, tuple[str, str]] = {
    Rule.INSUFFICIENT_FUNDS: (
        N_("Insufficient funds"),
        N_("A payment for more than the payer held of that program at that instant."),
    ),
    Rule.OFF_ROUTE: (
        N_("Off the program's route"),
        N_("A payment between roles that the program's route does not allow."),
    ),
    Rule.MISSING_DOCUMENT: (
        N_("Missing document"),
        N_("A payment into a final use without a purpose document."),
    ),
    Rule.DOCUMENT_MISMATCH: (
        N_("Document mismatch"),
        N_("The purpose document is unknown, of another program, or names another payee or payer."),
    ),
    Rule.OVERPAYMENT: (
        N_("Overpayment"),
        N_("What the document has been paid exceeds its payable value."),
    ),
    Rule.SPENT_AFTER_EXPIRY: (
        N_("Spent after expiry"),
        N_("A payment after the program's money expired."),
    ),
    Rule.UNRETURNED_AFTER_EXPIRY: (
        N_("Not returned after expiry"),
        N_("Money of the program still held by a participant when the program expired."),
    ),
    Rule.IDLE_FUNDS: (
        N_("Idle funds"),
        N_("Money stayed with an intermediary longer than the program's idle limit."),
    ),
    Rule.ROUND_TRIP: (
        N_("Round trip"),
        N_("A payment returns money to a participant who held those very units before."),
    ),
    Rule.RELATED_PARTY: (
        N_("Related party"),
        N_("The payee is related to the payer or to the document's buyer or applicant."),
    ),
    Rule.UNREGISTERED_ANIMAL: (
        N_("Unregistered animal"),
        N_("A purchased animal had no registry record by the contract date."),
    ),
    Rule.SELLER_NOT_OWNER: (
        N_("Seller is not the owner"),
        N_("The animal's registered owner at the contract date is not the seller."),
    ),
    Rule.PAID_BEFORE_REREGISTRATION: (
        N_("Paid before re-registration"),
        N_("A purchase was paid while some animal was not yet registered to the buyer."),
    ),
    Rule.DUPLICATE_ANIMAL: (
        N_("Duplicate animal"),
        N_("The animal appears in an earlier purchase too."),
    ),
    Rule.EARLY_DISPOSAL: (
        N_("Early disposal"),
        N_("The animal left its buyer before the program's retention period ended."),
    ),
    Rule.PRICE_ABOVE_REFERENCE: (
        N_("Price above reference"),
        N_("A price above the reference price plus the program's tolerance."),
    ),
    Rule.SUBSIDY_OVER_CAP: (
        N_("Subsidy over the cap"),
        N_("A subsidy above the program's cap as a share of the asset's value."),
    ),
    Rule.DOUBLE_SUBSIDY: (
        N_("Double subsidy"),
        N_("An asset that an earlier subsidy already covers."),
    ),
}


def title(rule: str, text: Text) -> str:
    known = RULE_TEXT.get(Rule(rule)) if rule in Rule.__members__ else None
    return text.gettext(known[0]) if known else rule


def explanation(rule: str, text: Text) -> str:
    known = RULE_TEXT.get(Rule(rule)) if rule in Rule.__members__ else None
    return text.gettext(known[1]) if known else ""


# Words the read models keep in English (statuses, outcomes, kinds, the report's states): the
# catalogues hold them so that pages and tables show them translated.
WORDS = (
    N_("open"),
    N_("refused"),
    N_("applied"),
    N_("held"),
    N_("spent"),
    N_("returned"),
    N_("idle"),
    N_("allocation"),
    N_("transfer"),
    N_("spent on purpose"),
    N_("spent with findings"),
)
