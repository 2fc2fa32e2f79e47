// Content scripts cannot be ES modules: this classic script loads the module
// entry point. Nothing else runs here.
(async () => {
  const ext = globalThis.browser ?? globalThis.chrome;
  try {
    const main = await import(ext.runtime.getURL('content/main.js'));
    main.run();
  } catch (e) {
    // An extension reload can invalidate this page's content script.
    if (!/invalidated/i.test(String(e?.message))) console.debug('vitrine:', e);
  }
})();
