import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { appMessages } from './messages';
import { authMessages } from '../auth/messages';
import { accountMessages } from '../account/messages';
import { settingsMessages } from '../settings/messages';
import { notificationsMessages } from '../notifications/messages';
import { homeMessages } from '../home/messages';
import { importsMessages } from '../imports/messages';
import { recordsMessages } from '../records/messages';
import { searchMessages } from '../search/messages';
import { inventoryMessages } from '../crm/inventory/messages';
import { crmMessages } from '../crm/messages';
import { kamMessages } from '../kam/messages';
import { automationMessages } from '../automation/messages';
import { forecastsMessages } from '../forecasts/messages';
import { reportsMessages } from '../reports/messages';
import { automationFunctionsMessages } from '../automation/functions/messages';
import { automationSchedulesMessages } from '../automation/schedules/messages';
import { automationBlueprintsMessages } from '../automation/blueprints/messages';

export type Language = 'es' | 'en';
export const LANGUAGES: Language[] = ['es', 'en'];

/**
 * Every feature keeps its strings in its own `messages.ts` ({es, en} with the
 * same keys), one namespace per feature. Spanish and English from day one.
 */
const features = {
  app: appMessages,
  auth: authMessages,
  account: accountMessages,
  settings: settingsMessages,
  notifications: notificationsMessages,
  home: homeMessages,
  imports: importsMessages,
  records: recordsMessages,
  search: searchMessages,
  inventory: inventoryMessages,
  crm: crmMessages,
  kam: kamMessages,
  automation: automationMessages,
  forecasts: forecastsMessages,
  reports: reportsMessages,
  automationFunctions: automationFunctionsMessages,
  automationSchedules: automationSchedulesMessages,
  automationBlueprints: automationBlueprintsMessages,
};

const resources = Object.fromEntries(
  LANGUAGES.map((language) => [language, Object.fromEntries(Object.entries(features).map(([ns, messages]) => [ns, messages[language]]))]),
);

const STORAGE_KEY = 'clave.language';

/** The language before anyone signs in: the one chosen last on this browser, else the browser's. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'es' || stored === 'en') return stored;
  return navigator.language?.toLowerCase().startsWith('es') ? 'es' : navigator.language?.toLowerCase().startsWith('en') ? 'en' : 'es';
}

export function changeLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  void i18n.changeLanguage(language);
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: false,
  ns: Object.keys(features),
  defaultNS: 'app',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
