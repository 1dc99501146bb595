// Helpers the tutorial scenarios share: where the driver.js tour stands, and moving it on — Next tried
// while a step's check still fails must stay put and say what is missing.

import { sleep } from "./webdriver.mjs";
import { assert, assertEq } from "./harness.mjs";

export const POPOVER = '[data-testid="tour-popover"]';

/**
 * Wait for the popover of `tutorial`'s step `step` (0-based); its title, progress and highlighted target,
 * and with `{ kind: true }` the `data-kind` of the nearest element around that target (a finding's kind).
 * With `{ active: testid }` also wait until the highlight is on that element: after the learner moves to
 * another page the tour re-attaches to the step's target once it is painted, not at once.
 */
export async function atStep(wd, tutorial, step, { kind = false, active: expected = null } = {}) {
  const at = await wd.until(
    `const p = document.querySelector(arguments[0]);
     if (!p || p.dataset.tutorial !== arguments[1] || p.dataset.step !== String(arguments[2])) return null;
     const active = document.querySelector('.driver-active-element');
     if (arguments[3] && (!active || active.dataset.testid !== arguments[3])) return null;
     return { title: p.querySelector('.driver-popover-title').textContent,
              progress: p.querySelector('.driver-popover-progress-text').textContent,
              active: active ? (active.dataset.testid || active.tagName) : null,
              kind: active ? (active.closest('[data-kind]')?.dataset.kind ?? null) : null };`,
    `${tutorial} step ${step + 1}`,
    20000,
    POPOVER,
    tutorial,
    step,
    expected,
  );
  if (!kind) delete at.kind;
  return at;
}

/** Try Next while the step's check fails: it must stay put and say what is missing. */
export async function nextIsBlocked(wd, tutorial, step, missing) {
  const state = await wd.exec(
    `const b = document.querySelector('[data-testid="tour-next"]'); b.click(); return { disabled: b.disabled };`,
  );
  assert(state.disabled, `${tutorial} step ${step + 1}: Next is enabled before its check passes`);
  await sleep(300);
  await atStep(wd, tutorial, step);
  const text = await wd.until(
    `const m = document.querySelector('[data-testid="tour-missing"]'); return m && !m.hidden ? m.textContent : null;`,
    `${tutorial} step ${step + 1}: the "what is missing" message`,
  );
  assertEq(text, missing, `${tutorial} step ${step + 1}: what the learner is told is missing`);
}

/**
 * Wait until the step's check passes (Next enabled, no message) and press Next — in the same script, as
 * the tour redraws its popover when the highlight moves and a button found a moment earlier can be gone.
 */
export async function next(wd, tutorial, step) {
  await wd.until(
    `const p = document.querySelector(arguments[0]);
     if (!p || p.dataset.step !== String(arguments[1])) return null;
     const b = p.querySelector('[data-testid="tour-next"]'); const m = p.querySelector('[data-testid="tour-missing"]');
     if (!(b && !b.disabled && m && m.hidden)) return null;
     b.click();
     return true;`,
    `${tutorial} step ${step + 1}: Next enabled`,
    20000,
    POPOVER,
    step,
  );
}

