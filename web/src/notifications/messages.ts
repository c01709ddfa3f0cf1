/** Strings of the notifications feature, Spanish and English with the same keys. */
const es = {
  title: '',
};
const en: typeof es = {
  title: '',
};
export const notificationsMessages = { es, en };
