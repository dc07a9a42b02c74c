"""Narrative claims: the amounts, shares and changes the report's text states.

``extract_claims(blocks, meta)`` reads the heading and paragraph blocks (never
tables) and returns the narrative sections, one ``Claim`` per amount or rate
the text states, and warnings for what it could not place. It records what
the text says, author errors included; comparing claims with the tables is
the validator's job.

Modules: ``sections`` (headings, table of contents), ``sentences`` (lines
rejoined into paragraphs with a line map), ``numbers`` (amounts and percents
as printed), ``items`` (labels from the code lists, 类/款/项 paths) and
``claims`` (the grammar of one sentence).
"""

from __future__ import annotations

from loaders.model import Block, Claim, DocumentMeta, LoadWarning, Section
from loaders.text import fold

from .claims import Context, SentenceParser
from .sections import layout_sections
from .sentences import paragraphs, sentences

__all__ = ["extract_claims"]


def extract_claims(
    blocks: list[Block], meta: DocumentMeta
) -> tuple[list[Section], list[Claim], list[LoadWarning]]:
    layout = layout_sections(blocks)
    ctx = Context(kind=meta.kind, year=meta.fiscal_year,
                  unit_name="".join(fold(meta.unit_name or "").split()))
    claims: list[Claim] = []
    topic = None
    for para in paragraphs(blocks, layout):
        # The topic carries from one sentence to the next within a paragraph:
        # "…支出 10,671.52 万元。与上年相比，增加 457.14 万元" is about the same item.
        # and into a paragraph that only continues the lines before it.
        if not para.follows:
            topic = None
        for sent in sentences(para):
            parser = SentenceParser(sent, ctx, para.section, topic)
            claims.extend(parser.parse())
            topic = parser.topic
    return layout.sections, claims, ctx.warnings
