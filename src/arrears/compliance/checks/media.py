"""Which media and which addresses may be used: opt-outs, consent, employer email, voicemail.

- Medium and address opt-outs: 12 CFR 1006.14(h), 1006.6(e); TCPA revocation, FCC 24-18.
- Texts only to a mobile with prior express consent: 47 U.S.C. 227(b)(1)(A)(iii).
- Never an employer-provided email address: 12 CFR 1006.22(f)(3).
- A voicemail only as a limited-content message: 12 CFR 1006.2(j) (template whitelist).
- Never an invalid or revoked number or address (wrong number, bounced).
"""

from __future__ import annotations

from arrears.compliance.checks.context import Context, hit
from arrears.compliance.model import RuleHit
from arrears.compliance.packs import Rule
from arrears.domain.contact_log import Channel
from arrears.domain.contacts import ContactKind, ContactPoint

_MEDIUM = {Channel.VOICEMAIL: Channel.CALL}


def _opted_out(point: ContactPoint, channel: Channel) -> bool:
    if channel.is_telephone:
        return point.call_opted_out_at is not None
    if channel is Channel.SMS:
        return point.sms_opted_out_at is not None
    if channel is Channel.EMAIL:
        return point.email_opted_out_at is not None
    return False


def medium_opt_out(rule: Rule, ctx: Context) -> list[RuleHit]:
    channel = ctx.proposal.channel
    medium = _MEDIUM.get(channel, channel)
    if medium in ctx.facts.channels_opted_out:
        return hit(rule, f"opted out of {medium.value}")
    point = ctx.point
    if point is not None and _opted_out(point, channel):
        return hit(rule, f"this {point.kind.value} opted out of {medium.value}")
    return []


def contact_point_usable(rule: Rule, ctx: Context) -> list[RuleHit]:
    point_id = ctx.proposal.contact_point_id
    if point_id is None:
        return []
    point = ctx.point
    if point is None:
        return hit(rule, f"contact point {point_id} is not the borrower's")
    if not point.usable:
        return hit(rule, f"this {point.kind.value} is {point.status.value}")
    channel = ctx.proposal.channel
    if channel.uses_phone and not point.kind.is_phone:
        return hit(rule, f"a {channel.value} needs a phone number, not a {point.kind.value}")
    if channel is Channel.EMAIL and not point.kind.is_email:
        return hit(rule, f"an email needs an email address, not a {point.kind.value}")
    return []


def sms_consent(rule: Rule, ctx: Context) -> list[RuleHit]:
    point = ctx.point
    candidates = [point] if point is not None else list(ctx.facts.contact_points)
    consented = [
        p
        for p in candidates
        if p.usable
        and p.kind is ContactKind.MOBILE_PHONE
        and p.sms_consent_at is not None
        and p.sms_opted_out_at is None
    ]
    if consented:
        return []
    return hit(rule, "no consent to texts on this number" if point else "no consented mobile")


def employer_email(rule: Rule, ctx: Context) -> list[RuleHit]:
    point = ctx.point
    if point is not None and point.kind is ContactKind.WORK_EMAIL:
        return hit(rule, "the address was provided by the borrower's employer")
    return []


def limited_content_voicemail(rule: Rule, ctx: Context) -> list[RuleHit]:
    allowed = rule.strings("templates")
    if ctx.proposal.template not in allowed:
        return hit(rule, f"template {ctx.proposal.template!r} is not a limited-content message")
    return []
