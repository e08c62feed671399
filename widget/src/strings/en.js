// Every word the widget shows or announces. A translation is a copy of this one file
// (see the README: `WIDGET_LOCALE=fr npm run build` bundles src/strings/fr.js instead).
// Server text (replies, labels, messages) arrives already in the store's language.

/** BCP 47 tag for dates and the widget's `lang`. */
export const locale = 'en';

// Loader (kept short: these ship in the 3 KB loader).
export const openChat = 'Chat with our concierge';

// Panel.
export const title = 'Concierge';
export const subtitle = 'Jewelry, orders and returns';
export const close = 'Close chat';
export const endChat = 'End chat';
export const conversation = 'Conversation';
export const messageLabel = 'Message';
export const placeholder = 'Ask about jewelry or an order…';
export const send = 'Send';
export const you = 'You:';
export const concierge = 'Concierge:';
export const typing = 'The concierge is typing…';
export const loadingHistory = 'Loading your conversation…';
export const restored = 'Your conversation is restored.';
export const sending = 'Sending…';
export const newConversation = 'New conversation';

// Blocks.
export const suggestions = 'Suggestions';
export const activeFilters = 'Active filters';
/** @param {string} label */
export const removeFilter = (label) => `Remove filter: ${label}`;
/** @param {string} label */
export const removedFilter = (label) => `Remove “${label}”`;
/** @param {number} shown @param {number} total */
export const productList = (shown, total) =>
  shown === total ? `${total} ${total === 1 ? 'piece' : 'pieces'}` : `${shown} of ${total} pieces`;
export const readyToShip = 'Ready to ship';
export const details = 'Details';
/** @param {string} product */
export const detailsOf = (product) => `Details: ${product}`;
export const loadingDetails = 'Loading details…';
export const detailsFailed = 'The details could not be loaded. Please try again.';
export const styles = 'Styles:';
export const viewProduct = 'View the product page';
export const addShortlist = 'Add to shortlist';
export const shortlisted = 'On your shortlist';
/** @param {string} product */
export const addShortlistOf = (product) => `Add to shortlist: ${product}`;
/** @param {string} product */
export const removeShortlistOf = (product) => `On your shortlist: ${product}. Activate to remove it.`;
/** @param {string} product */
export const addedToShortlist = (product) => `${product} is on your shortlist.`;
/** @param {string} product */
export const removedFromShortlist = (product) => `${product} was removed from your shortlist.`;
export const shortlistFailed = 'The shortlist could not be updated. Please try again.';
/** @param {string} number */
export const order = (number) => `Order ${number}`;
export const items = 'Items';
/** @param {string} size */
export const ringSize = (size) => `ring size ${size}`;
export const madeToOrder = 'made to order';
export const trackParcel = 'Track the parcel';
export const newTab = '(opens in a new tab)';
/** Where a store's answer comes from: its knowledge file section. @param {string} title */
export const answerSource = (title) => `From “${title}”`;
export const notice = { info: 'Note:', warning: 'Please note:', error: 'Problem:' };

// Forms.
export const requiredNote = 'Fields marked * are required.';
export const choose = 'Choose…';
/** @param {string} label */
export const required = (label) => `${label} is required.`;
/** @param {string} label @param {number} max */
export const tooLong = (label, max) => `${label} must be at most ${max} characters.`;
/** @param {string} label */
export const badEmail = (label) => `${label} must be an email address like name@example.com.`;
/** @param {string} label */
export const badChoice = (label) => `Choose one of the options for ${label}.`;
/** @param {number} n */
export const fixFields = (n) => (n === 1 ? 'Please correct the field marked below.' : `Please correct the ${n} fields marked below.`);
/** @param {string} title */
export const formSent = (title) => `Sent: ${title}`;
/** @param {string} title */
export const formClosed = (title) => `${title} (form closed)`;
export const sent = 'Sent';
/** How the server records a form in the transcript (`[order lookup]`), as the shopper's line. */
export const recorded = /** @type {Record<string, string>} */ ({
  'order lookup': 'Sent: Track your order',
  'return or resize request': 'Sent: Return or resize',
  'stylist request': 'Sent: Talk to a stylist',
});

// Satisfaction.
/** @param {number} n */
export const stars = (n) => (n === 1 ? '1 star' : `${n} stars`);
export const chooseRating = 'Choose a rating from 1 to 5 stars.';
export const comment = 'Comment (optional)';
export const sendRating = 'Send rating';

// Trouble.
export const retry = 'Try again';
export const offline = 'You seem to be offline. Your message is kept: try again when you are back online.';
export const unreachable = 'We couldn’t reach the concierge. Your message is kept: please try again.';
/** @param {number} seconds */
export const rateLimited = (seconds) =>
  `You’re sending messages faster than we can answer. Please wait ${seconds > 1 ? `${seconds} seconds` : seconds === 1 ? 'a second' : 'a moment'} and try again.`;
/** @param {number} seconds */
export const inProgress = (seconds) =>
  `Your request is still being processed. Please wait ${seconds > 1 ? `${seconds} seconds` : 'a moment'} and try again: it will not be sent twice.`;
export const paused = 'The concierge is paused right now.';
/** @param {string} contact */
export const reachUs = (contact) => `You can reach the store at ${contact}.`;
export const failed = 'Something went wrong. Please try again.';
