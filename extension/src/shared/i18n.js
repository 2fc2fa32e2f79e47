// Localises extension pages: every element with a data-i18n attribute gets the
// translated text of the key it names; data-i18n-attr (attr:key pairs) sets attributes.
// Strings come from _locales through the browser's i18n API only.

export function localize(doc, getMessage) {
  for (const n of doc.querySelectorAll('[data-i18n]')) {
    n.textContent = getMessage(n.dataset.i18n) || n.dataset.i18n;
  }
  for (const n of doc.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of n.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) n.setAttribute(attr, getMessage(key) || key);
    }
  }
  const lang = getMessage('@@ui_locale');
  if (lang) doc.documentElement.lang = lang.replace('_', '-');
}
