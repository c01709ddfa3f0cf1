import { useTranslation } from 'react-i18next';
import { useMe } from './session';

/**
 * Without an SMTP server nothing leaves Clave: after "we sent you a mail" the
 * person must be told where the mail really is. Null when mail is delivered.
 */
export function useMailOutboxHint(): string | null {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.data || me.data.mailDelivery !== 'outbox') return null;
  return me.data.permissions.isAdmin ? t('app:mailOutbox.admin') : t('app:mailOutbox.user');
}
