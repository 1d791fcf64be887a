"""Look and behaviour of the browser chat that gradio components do not give: CSS and one
small JavaScript hook. Gradio 6 takes both at `launch()` (not in the Blocks constructor), so
ui.web's Blocks subclass passes them there.

The hook makes citation marks work: a click on `a.cite` (rendered by ui.web_render as
`href="#src-T-N"`) opens the source's folded <details> if needed, scrolls the entry into view
inside the source panel and flags it with `.src-active`. Without the hook the browser's own
#fragment jump still lands on the entry (`:target` gets the same styling).
"""

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#na-header { align-items: end; flex-wrap: wrap; border-bottom: 1px solid var(--border-color-primary); padding-bottom: 6px; }
#na-header h1 { font-size: 1.45rem; margin: 0; }
#na-header .na-tagline { margin: 2px 0 0; color: var(--body-text-color-subdued); font-size: .92rem; }
.na-status { text-align: right; min-width: 260px; color: var(--body-text-color-subdued); font-size: .88rem; }
#na-examples { flex-wrap: wrap; gap: 6px; }
#na-examples button { flex: 0 1 auto !important; min-width: 0 !important; font-weight: 400; text-align: left; }
.na-question { white-space: pre-wrap; }
.na-answer p.na-text { margin: 0; line-height: 1.55; }
a.cite { font-weight: 600; text-decoration: none !important; color: var(--color-accent) !important;
  padding: 0 1px; border-radius: 4px; cursor: pointer; }
a.cite:hover { background: var(--color-accent-soft); }
.na-caret { opacity: .55; }
.na-abstained { border-left: 4px solid #d97706; background: rgba(217, 119, 6, .08); padding: 6px 10px;
  border-radius: 6px; }
.na-abstain-label { font-weight: 700; color: #b45309; margin-bottom: 2px; }
.na-conflicts { margin-top: 8px; padding: 6px 10px; border-radius: 6px; background: rgba(220, 38, 38, .07);
  border-left: 4px solid #dc2626; font-size: .92rem; }
.na-conflicts-title { font-weight: 700; color: #b91c1c; }
.na-conflicts ul, .na-notes { margin: 4px 0 0; padding-left: 18px; }
.na-notes { font-size: .8rem; color: var(--body-text-color-subdued); }
.na-error { color: #b91c1c; font-weight: 500; }
.na-mode { font-size: .78rem; color: var(--body-text-color-subdued); margin-bottom: 2px; }
.na-draft p.na-text { opacity: .8; }
.na-unsupported { font-size: .75rem; font-weight: 600; color: #b45309; border: 1px solid #d97706;
  border-radius: 4px; padding: 0 3px; }
.na-left-out { font-size: .8rem; color: var(--body-text-color-subdued); margin-top: 4px; }
.na-pending { color: var(--body-text-color-subdued); font-style: italic; }
/* gradio sets overflow:visible inline on blocks, hence !important */
#na-sources-panel { max-height: 80vh; overflow-y: auto !important; padding-right: 6px; position: sticky; top: 8px; }
.na-sources.na-empty { color: var(--body-text-color-subdued); padding: 18px 8px; font-size: .95rem; }
.na-for { font-size: .85rem; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.na-h { font-size: 1.02rem; margin: 6px 0 8px; }
.na-related .na-h { color: #b45309; }
.na-sub { font-weight: 400; font-size: .85rem; color: var(--body-text-color-subdued); }
ol.na-src-list { list-style: none; padding: 0; margin: 0; }
li.na-src { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  margin: 0 0 10px; background: var(--block-background-fill); transition: box-shadow .25s, border-color .25s;
  scroll-margin: 12px; }
li.na-src.src-active, li.na-src:target { border-color: var(--color-accent);
  box-shadow: 0 0 0 3px var(--color-accent-soft); }
li.na-src:focus { outline: none; }
.na-src-head { display: flex; text-align: left; justify-content: flex-start; gap: 8px; align-items: baseline; font-weight: 600; line-height: 1.3; }
.na-n { flex: none; display: inline-block; min-width: 1.5em; text-align: center; border-radius: 6px;
  background: var(--color-accent-soft); color: var(--color-accent); font-size: .85rem; padding: 1px 4px; }
/* gradio's default HTML styling centres and pads every <a> */
.na-src-head .na-title { color: var(--body-text-color); text-align: left !important; padding: 0 !important; }
a.na-title { text-decoration: underline; text-decoration-color: var(--border-color-primary); }
.na-meta { font-size: .82rem; color: var(--body-text-color-subdued); margin: 2px 0 6px 2.1em; }
.na-passage { margin: 0 0 0 2px !important; padding: 2px 0 2px 10px !important; border-left: 3px solid var(--border-color-primary);
  font-size: .9rem; line-height: 1.5; color: var(--body-text-color); }
.na-sources mark, .na-quote mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px; }
details.na-earlier { margin-top: 10px; border-top: 1px dashed var(--border-color-primary); padding-top: 6px; }
details.na-earlier summary { cursor: pointer; font-size: .88rem; color: var(--body-text-color-subdued); }
.na-report ul { margin: 4px 0 0; padding-left: 18px; font-size: .88rem; }
.na-report.ok > div:first-child { color: #15803d; font-weight: 600; }
.na-report.bad > div:first-child { color: #b91c1c; font-weight: 600; }
.na-warn { color: var(--body-text-color-subdued); }
.na-url { color: var(--body-text-color); word-break: break-all; }
.na-report li b { word-break: break-all; }
.na-note { border-left: 4px solid var(--color-accent); background: var(--color-accent-soft); padding: 6px 10px;
  border-radius: 6px; }
.na-status.na-status-empty { color: var(--body-text-color); font-weight: 500; }
.na-examples-hint { color: var(--body-text-color-subdued); font-size: .9rem; padding: 2px 2px 4px; }
"""

JS = """
() => {
  if (window.__naCiteHook) return;
  window.__naCiteHook = true;
  document.addEventListener('click', (ev) => {
    const a = ev.target instanceof Element ? ev.target.closest('a.cite') : null;
    if (!a) return;
    const id = (a.getAttribute('href') || '').replace(/^#/, '');
    const el = id ? document.getElementById(id) : null;
    if (!el) return;  // let the browser try its own #fragment jump
    ev.preventDefault();
    const folded = el.closest('details');
    if (folded && !folded.open) folded.open = true;
    document.querySelectorAll('.na-src.src-active').forEach((x) => x.classList.remove('src-active'));
    el.classList.add('src-active');
    el.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    el.focus({ preventScroll: true });
  }, true);
}
"""
