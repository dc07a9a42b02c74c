"""The SHACL core components the structural shapes use, as set-based SPARQL.

Only sh:minCount, sh:maxCount, sh:datatype and sh:pattern on a sh:targetClass node shape's
property shapes are used; each becomes one SELECT over all focus nodes. Results mirror
pyshacl's: focus node, and the value node for datatype and pattern.
"""

from __future__ import annotations

from fiscal_kg.validation.shapes import CoreRule

PREFIXES = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


def core_queries(rule: CoreRule) -> list[tuple[str, str]]:
    """(component, SELECT ?this ?value ?count) pairs for one property shape."""
    cls, path = f"<{rule.target_class}>", f"<{rule.path}>"
    out: list[tuple[str, str]] = []
    if rule.min_count is not None:
        out.append((
            "minCount",
            PREFIXES + f"SELECT ?this (COUNT(?v) AS ?count) WHERE {{ ?this a {cls} . "
            f"OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this "
            f"HAVING (COUNT(?v) < {rule.min_count})",
        ))
    if rule.max_count is not None:
        out.append((
            "maxCount",
            PREFIXES + f"SELECT ?this (COUNT(?v) AS ?count) WHERE {{ ?this a {cls} ; {path} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(?v) > {rule.max_count})",
        ))
    if rule.datatype is not None:
        out.append((
            "datatype",
            PREFIXES + f"SELECT ?this ?value WHERE {{ ?this a {cls} ; {path} ?value . "
            f"FILTER(!isLiteral(?value) || datatype(?value) != <{rule.datatype}>) }}",
        ))
    if rule.pattern is not None:
        pattern = rule.pattern.replace("\\", "\\\\").replace('"', '\\"')
        out.append((
            "pattern",
            PREFIXES + f"SELECT ?this ?value WHERE {{ ?this a {cls} ; {path} ?value . "
            f'FILTER(isBlank(?value) || !REGEX(STR(?value), "{pattern}")) }}',
        ))
    return out
