"""Does one set of rules cover another (``pkg/registry/rbac/validation/policy_comparator.go``).

The servant rules are broken down into atomic rules (one verb on one group/resource[/name], or one
verb on one URL); each must be covered by a single owner rule. ``*`` in the owner covers anything,
an enumeration never covers a servant ``*``; owner ``*/sub`` covers ``x/sub``; an owner without
resourceNames covers named and unnamed rules, a servant without names needs an owner without names;
owner URL ``p*`` covers every URL starting with ``p``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clustersim.api.rbac import API_GROUP_ALL, RESOURCE_ALL, VERB_ALL, PolicyRule

__all__ = ["breakdown_rule", "covers", "non_resource_url_covers", "rule_covers"]


def breakdown_rule(r: PolicyRule) -> list[PolicyRule]:
    """``BreakdownRule``: the atomic rules of ``r``."""
    out = []
    for group in r.api_groups:
        for resource in r.resources:
            for verb in r.verbs:
                if r.resource_names:
                    out += [PolicyRule((verb,), (group,), (resource,), (n,)) for n in r.resource_names]
                else:
                    out.append(PolicyRule((verb,), (group,), (resource,)))
    for url in r.non_resource_urls:
        out += [PolicyRule((verb,), non_resource_urls=(url,)) for verb in r.verbs]
    return out


def _has_all(owned: Iterable[str], wanted: Iterable[str]) -> bool:
    have = set(owned)
    return all(w in have for w in wanted)


def _resources_cover(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    """``resourceCoversAll``."""
    if RESOURCE_ALL in owned or _has_all(owned, wanted):
        return True
    for path in wanted:
        if path in owned:
            continue
        if "/" not in path:
            return False
        if "*/" + path.split("/", 1)[1] not in owned:
            return False
    return True


def non_resource_url_covers(owner: str, requested: str) -> bool:
    """``nonResourceURLCovers``: equal, or ``owner`` ends in ``*`` and prefixes ``requested``."""
    if owner == requested:
        return True
    return owner.endswith("*") and requested.startswith(owner.rstrip("*"))


def _urls_cover(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    return all(any(non_resource_url_covers(o, w) for o in owned) for w in wanted)


def rule_covers(owner: PolicyRule, sub: PolicyRule) -> bool:
    """``ruleCovers``: ``owner`` covers the atomic rule ``sub``."""
    verbs = VERB_ALL in owner.verbs or _has_all(owner.verbs, sub.verbs)
    groups = API_GROUP_ALL in owner.api_groups or _has_all(owner.api_groups, sub.api_groups)
    resources = _resources_cover(owner.resources, sub.resources)
    urls = _urls_cover(owner.non_resource_urls, sub.non_resource_urls)
    if sub.resource_names:
        names = not owner.resource_names or _has_all(owner.resource_names, sub.resource_names)
    else:
        names = not owner.resource_names
    return verbs and groups and resources and names and urls


def covers(owner_rules: Sequence[PolicyRule], servant_rules: Sequence[PolicyRule]) -> tuple[bool, list[PolicyRule]]:
    """``Covers``: (every atomic servant rule is covered, the atomic rules that are not)."""
    uncovered = [sub for s in servant_rules for sub in breakdown_rule(s)
                 if not any(rule_covers(o, sub) for o in owner_rules)]
    return not uncovered, uncovered
