// Page stub: filled in by its own change.
export const messages = { en: {}, zh: {} };
export const routes = [];
