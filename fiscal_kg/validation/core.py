"""The SHACL core components the structural shapes use, as set-based SPARQL.

Only sh:minCount, sh:maxCount, sh:datatype and sh:pattern on a sh:targetClass node shape's
property shapes are used; each becomes one SELECT over all focus nodes (sh:minCount and
sh:maxCount one SELECT together). Results mirror pyshacl's: focus node, and the value node for
datatype and pattern.
"""

from __future__ import annotations

from fiscal_kg.validation.shapes import CoreRule

PREFIXES = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


def core_queries(rule: CoreRule) -> list[tuple[str, str]]:
    """(component, SELECT ?this ?value ?count) pairs for one property shape."""
    cls, path = f"<{rule.target_class}>", f"<{rule.path}>"
    out: list[tuple[str, str]] = []
    counts = f"SELECT ?this (COUNT(?v) AS ?count) WHERE {{ ?this a {cls} . "
    counts += f"OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this "
    low, high = rule.min_count, rule.max_count
    if low is not None and high is not None and low <= high and rule.message:
        # Both bounds in one pass (each pass reads every focus node of the class); only when the
        # shape has its own sh:message, as the component's name is shown only without one.
        out.append(("minCount/maxCount",
                    PREFIXES + counts + f"HAVING (COUNT(?v) < {low} || COUNT(?v) > {high})"))
        low = high = None
    if low is not None:
        out.append(("minCount", PREFIXES + counts + f"HAVING (COUNT(?v) < {low})"))
    if high is not None:
        out.append((
            "maxCount",
            PREFIXES + f"SELECT ?this (COUNT(?v) AS ?count) WHERE {{ ?this a {cls} ; {path} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(?v) > {high})",
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
