// The error pages (error/404.html, error/500.html): their few words in the tab's language. When the script cannot
// load (a broken server), the English text of the HTML stays.

import { initialLanguage, localizeDocument, setLanguage } from './i18n.js';

setLanguage(initialLanguage());
localizeDocument(document);
