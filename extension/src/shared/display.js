// How the comparison bar looks: the display experiments the server runs
// (GET /v1/experiments; internal/analytics/DISPLAY.md) and the bar's
// wording per variant. Pure functions, tested without a browser.
//
// Honesty rules (DISPLAY.md), which no variant may break: no scarcity, no
// countdown, no hidden dearer price; "Save" only when the store is really
// cheaper in the same currency; the same facts in every variant (variants
// change words, position and what is folded away).

/** The experiments and variants this extension knows how to show. */
export const EXPERIMENTS = Object.freeze({
  bar_wording: Object.freeze(['save', 'also_at']),
  bar_placement: Object.freeze(['bottom', 'top']),
  show_history: Object.freeze(['yes', 'no']),
});

/**
 * The bar as it shipped: what everyone sees who is not in the experiments
 * (not a panel member with product-views consent), and what a member sees
 * for an experiment the server did not assign (or assigned a variant this
 * version does not know).
 */
export const DEFAULT_DISPLAY = Object.freeze({ bar_wording: 'save', bar_placement: 'bottom', show_history: 'yes' });

const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The display for a server assignment ({experiment: variant}): known
 * variants apply, anything else falls back to DEFAULT_DISPLAY. Returns
 * {bar_wording, bar_placement, show_history, applied: {experiment: variant}}
 * where applied lists only the variants taken from the assignment (the ones
 * an exposure may be logged for).
 */
export function displayFrom(assignments) {
  const out = { ...DEFAULT_DISPLAY };
  const applied = {};
  if (isPlain(assignments)) {
    for (const [exp, variants] of Object.entries(EXPERIMENTS)) {
      const v = assignments[exp];
      if (typeof v === 'string' && variants.includes(v)) {
        out[exp] = v;
        applied[exp] = v;
      }
    }
  }
  return { ...out, applied };
}

/** A display received from the background, checked again (content side): unknown values become the defaults. */
export function normalizeDisplay(d) {
  const out = { ...DEFAULT_DISPLAY };
  if (isPlain(d)) {
    for (const [exp, variants] of Object.entries(EXPERIMENTS)) if (variants.includes(d[exp])) out[exp] = d[exp];
  }
  out.experiment = Boolean(isPlain(d) && d.experiment === true);
  return out;
}

/**
 * What the bar says about the store's offer, for a compare view and a
 * wording variant: {kind, key, args} (an i18n key and its substitutions),
 * or null when there is nothing to compare (no price on the page).
 * money(m) formats a money value; store is the store's name.
 *
 *  - store cheaper: "save" says "Save {difference} ({percent}%) at {store}",
 *    "also_at" says "Also at {store} for {price}". "Save" needs the same
 *    currency: with converted prices both say "Also at ...".
 *  - store dearer: both variants say so plainly, with the difference:
 *    "{difference} dearer at {store}" / "Also at {store} for {price},
 *    {difference} dearer than here".
 *  - same price: "Same price at {store}" in every variant.
 */
export function dealWording(view, wording, { money, store }) {
  const d = view && view.deal;
  if (!d) return null;
  switch (d.kind) {
    case 'cheaper':
      if (wording === 'save' && !view.converted) return { kind: 'cheaper', key: 'barSave', args: [money(d.difference), d.percent, store] };
      return { kind: 'cheaper', key: 'barAlsoAt', args: [store, money(view.price)] };
    case 'dearer':
      if (wording === 'also_at') return { kind: 'dearer', key: 'barAlsoAtDearer', args: [store, money(view.price), money(d.difference)] };
      return { kind: 'dearer', key: 'barDearer', args: [money(d.difference), store] };
    case 'same':
      return { kind: 'same', key: 'barSamePrice', args: [store] };
    default:
      return null;
  }
}
