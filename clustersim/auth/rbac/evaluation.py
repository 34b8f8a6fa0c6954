"""Does one rule allow a request: ``pkg/apis/rbac/v1/evaluation_helpers.go`` and ``RuleAllows`` of
``plugin/pkg/auth/authorizer/rbac/rbac.go``.

Matching is exact and case-sensitive; ``*`` matches any verb, group or resource (subresources
included); ``res/sub`` matches that subresource only and ``*/sub`` the subresource ``sub`` of any
resource; a bare resource does not cover its subresources. A rule without resourceNames matches
every name. Non-resource URLs match exactly, by ``*``, or by a trailing ``*`` prefix.
"""

from __future__ import annotations

from clustersim.api.rbac import API_GROUP_ALL, NON_RESOURCE_ALL, RESOURCE_ALL, VERB_ALL, PolicyRule
from clustersim.auth.attributes import Attributes

__all__ = ["api_group_matches", "non_resource_url_matches", "resource_matches", "resource_name_matches",
           "rule_allows", "rule_matches_but_name", "rules_allow", "verb_matches"]


def verb_matches(rule: PolicyRule, verb: str) -> bool:
    """``VerbMatches``."""
    return any(v == VERB_ALL or v == verb for v in rule.verbs)


def api_group_matches(rule: PolicyRule, group: str) -> bool:
    """``APIGroupMatches``."""
    return any(g == API_GROUP_ALL or g == group for g in rule.api_groups)


def resource_matches(rule: PolicyRule, combined: str, subresource: str) -> bool:
    """``ResourceMatches``: ``combined`` is ``resource`` or ``resource/subresource``."""
    for r in rule.resources:
        if r == RESOURCE_ALL or r == combined:
            return True
        if subresource and len(r) == len(subresource) + 2 and r.startswith("*/") and r.endswith(subresource):
            return True
    return False


def resource_name_matches(rule: PolicyRule, name: str) -> bool:
    """``ResourceNameMatches``: no names means every name."""
    return not rule.resource_names or name in rule.resource_names


def non_resource_url_matches(rule: PolicyRule, url: str) -> bool:
    """``NonResourceURLMatches``."""
    for u in rule.non_resource_urls:
        if u == NON_RESOURCE_ALL or u == url:
            return True
        if u.endswith("*") and url.startswith(u.rstrip("*")):
            return True
    return False


def _combined(attrs: Attributes) -> str:
    return f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource


def rule_allows(attrs: Attributes, rule: PolicyRule) -> bool:
    """``RuleAllows``: the rule covers the request."""
    if attrs.resource_request:
        return (verb_matches(rule, attrs.verb) and api_group_matches(rule, attrs.api_group)
                and resource_matches(rule, _combined(attrs), attrs.subresource) and resource_name_matches(rule, attrs.name))
    return verb_matches(rule, attrs.verb) and non_resource_url_matches(rule, attrs.path)


def rule_matches_but_name(attrs: Attributes, rule: PolicyRule) -> bool:
    """The rule names resources and covers the request except maybe its name (its answer depends on the name)."""
    return (attrs.resource_request and bool(rule.resource_names) and verb_matches(rule, attrs.verb)
            and api_group_matches(rule, attrs.api_group) and resource_matches(rule, _combined(attrs), attrs.subresource))


def rules_allow(attrs: Attributes, rules: tuple[PolicyRule, ...] | list[PolicyRule]) -> bool:
    """``RulesAllow``: some rule allows the request."""
    return any(rule_allows(attrs, r) for r in rules)
