"""Time glossary linking of a long article against a large glossary.

Builds the matcher from generated terms in memory (nothing is written to the
database), renders a generated article through the site's Markdown renderer,
then links it many times, each time as a fresh page.
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand

from glossary.linking import GlossaryLinker, Matcher
from healthhub.text.markdown import render_markdown

SYLLABLES = ["ka", "lo", "mi", "nu", "pre", "sto", "tri", "vel", "xan", "zor", "phy", "neu", "car", "dio", "gas"]


class Command(BaseCommand):
    help = "Report how long glossary linking takes for a long article (median and 95th percentile)."

    def add_arguments(self, parser):
        parser.add_argument("--terms", type=int, default=5000, help="glossary size (default 5000)")
        parser.add_argument("--words", type=int, default=3000, help="article length in words (default 3000)")
        parser.add_argument(
            "--mention-rate",
            type=float,
            default=0.1,
            help="share of the article's words that start a glossary term (default 0.1; 1 for the worst case)",
        )
        parser.add_argument("--runs", type=int, default=200, help="how many times to link it (default 200)")
        parser.add_argument("--seed", type=int, default=1, help="random seed, for repeatable figures")

    def handle(self, *, terms, words, mention_rate, runs, seed, **options):
        rng = random.Random(seed)
        vocabulary = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(4000)})
        # Everyday words that are not in the glossary, for the rest of the text.
        filler = [word + "e" for word in vocabulary]
        names = set()
        while len(names) < terms:
            names.add(" ".join(rng.choices(vocabulary, k=rng.choice([1, 1, 2, 2, 3, 4]))))
        glossary = [
            {"pk": pk, "term": name, "slug": f"term-{pk}", "short_definition": f"Meaning of {name}.", "aliases": ""}
            for pk, name in enumerate(sorted(names), start=1)
        ]
        started = time.perf_counter()
        matcher = Matcher(glossary)
        built_ms = (time.perf_counter() - started) * 1000

        pick = lambda: rng.choice(vocabulary) if rng.random() < mention_rate else rng.choice(filler)  # noqa: E731
        html = render_markdown(self.article(rng, pick, words)).html
        timings = []
        for _ in range(runs):
            linker = GlossaryLinker(matcher=matcher)
            started = time.perf_counter()
            linker.link(html)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        self.stdout.write(
            f"{terms} terms ({len(matcher.phrases)} spellings with plurals), matcher built in {built_ms:.0f} ms\n"
            f"{words}-word article ({len(html)} characters of HTML), {mention_rate:.0%} of words start a term, "
            f"{linker.tooltips} terms linked\n"
            f"linking over {runs} runs: median {statistics.median(timings):.2f} ms, "
            f"95th percentile {p95:.2f} ms, max {timings[-1]:.2f} ms"
        )

    def article(self, rng, pick, words):
        """Markdown with sections, lists, links and code, about `words` words long."""
        blocks, written = [], 0
        while written < words:
            sentence = lambda n: " ".join(pick() for _ in range(n)).capitalize() + "."  # noqa: E731
            blocks.append(f"## {sentence(4)}")
            blocks.append(" ".join(sentence(rng.randint(8, 20)) for _ in range(5)))
            blocks.append("\n".join(f"- {sentence(6)} [{pick()}](https://example.org/)" for _ in range(3)))
            blocks.append(f"Use `{pick()}` with care. {sentence(12)}")
            written += sum(len(block.split()) for block in blocks[-4:])
        return "\n\n".join(blocks)
