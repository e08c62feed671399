//! Intent rules: each intent has one rule that says yes (and why) or no (and why not).
//! Rules are tried in a fixed order; the first yes wins, nothing is forced.

use crate::filters::Found;
use crate::lexicon::{Cue, Match, Tag};
use crate::normalize::{Kind, Tokens};
use crate::price::PriceScan;
use crate::types::Intent;

/// What the rules look at: a few counts and flags, computed once per message.
#[derive(Debug, Clone)]
pub(crate) struct Signals {
    cues: [u8; Cue::COUNT],
    words: usize,
    order_number: bool,
    price: bool,
    price_currency: bool,
    has_category: bool,
    strength: u8,
    /// "my ring", "our necklace": the shopper owns the piece.
    owned_item: bool,
    /// "order"/"orders"/"package" used as a noun, not "to order".
    order_noun: bool,
    /// "my order", "our package": an order the shopper placed.
    my_order: bool,
    /// "order", "package", "parcel", "shipment" (not "delivery"/"purchase") as a noun.
    strong_order: bool,
    /// Cues other than greeting/thanks.
    other_cues: usize,
    /// Starts like a question about the concierge ("who is your manager").
    bot_question: bool,
    /// item, product, piece: a thing bought.
    item_word: bool,
    /// it / this / them …: something the shopper has.
    pronoun: bool,
    /// Words not explained by greeting or filler words.
    greet_leftover: usize,
    /// Starts like a question ("is", "do you", "how", …).
    question: bool,
    /// Names an occasion a gift is for ("anniversary").
    occasion: bool,
    /// Names a person a gift is for ("for my wife").
    recipient: bool,
    /// Nothing but a budget: every word is a price or a word around one ("below 2k",
    /// "anything between 200 and 400", "my budget is about 300").
    budget_only: bool,
}

const PRONOUNS: &[&str] = &[
    "it",
    "this",
    "that",
    "them",
    "these",
    "those",
    "item",
    "items",
    "product",
    "one",
    "something",
    "anything",
    "stuff",
    "gift",
];
/// The words a budget comes with when it is all the message says.
const BUDGET_WORDS: &[&str] = &[
    "my",
    "budget",
    "is",
    "about",
    "around",
    "roughly",
    "anything",
    "something",
    "nothing",
    "over",
    "under",
    "below",
    "above",
    "between",
    "and",
    "please",
    "pls",
    "show",
    "me",
    "what",
    "whats",
    "do",
    "you",
    "have",
    "for",
    "less",
    "than",
    "more",
    "up",
    "to",
    "max",
    "maximum",
    "at",
    "most",
    "i",
    "can",
    "spend",
    "only",
    "just",
    "got",
    "any",
    "a",
    "the",
    "of",
    "or",
    "within",
    "around",
    "dollars",
    "bucks",
    "usd",
];

/// First words of a question.
const QUESTION_STARTS: &[&str] = &[
    "is", "are", "do", "does", "can", "will", "how", "what", "whats", "which", "where", "why",
    "could", "would", "should",
];
const ORDER_VERB_BEFORE: &[&str] = &[
    "to", "i", "we", "can", "will", "please", "could", "lets", "should", "want", "id", "ill",
    "gonna", "and",
];
const GREET_FILLER: &[&str] = &[
    "there",
    "everyone",
    "everybody",
    "all",
    "you",
    "ya",
    "doing",
    "today",
    "tonight",
    "right",
    "now",
    "again",
    "guys",
    "folks",
    "team",
    "friend",
    "friends",
    "ai",
    "bot",
    "siri",
    "alexa",
    "aurora",
    "concierge",
    "buddy",
    "mate",
    "dear",
    "sir",
    "madam",
    "maam",
    "im",
    "i",
    "am",
    "here",
    "just",
    "with",
    "for",
    "so",
    "well",
    "okay",
    "ok",
    "oh",
    "and",
    "to",
    "it",
    "is",
    "how",
    "fellow",
    "lovely",
    "people",
    "things",
    "the",
    "good",
    "great",
    "fine",
    "nice",
    "a",
    "very",
    "much",
    "your",
    "my",
    "me",
    "going",
    "been",
    "up",
    "hope",
    "doing",
    "day",
    "morning",
    "evening",
    "afternoon",
    "again",
    "too",
    "yourself",
    "hey",
    "hi",
    "hello",
    "there",
    "ahoy",
    "hoy",
    "yes",
    "what",
    "whats",
    "lady",
    "gorgeous",
    "world",
    "everything",
    "are",
    "things",
    "is",
    "can",
    "tell",
    "feeling",
    "been",
    "lately",
    "on",
    "this",
    "wanted",
    "say",
    "why",
    "want",
    "to",
];

impl Signals {
    /// Reads the matches and filters once.
    pub fn new(
        t: &Tokens<'_>,
        matches: &[Match],
        found: &Found,
        price: &PriceScan,
        order_number: bool,
    ) -> Signals {
        let mut s = Signals {
            words: (0..t.len()).filter(|&i| !t.word(i).is_empty()).count(),
            order_number,
            price: price.any(),
            price_currency: price.currency,
            cues: [0; Cue::COUNT],
            has_category: found.category.is_some(),
            strength: found.strength,
            owned_item: false,
            order_noun: false,
            my_order: false,
            strong_order: false,
            other_cues: 0,
            bot_question: matches!(
                t.word(0),
                "who" | "am" | "what" | "whats" | "is" | "are" | "do" | "does"
            ),
            pronoun: false,
            item_word: false,
            greet_leftover: 0,
            question: QUESTION_STARTS.contains(&t.word(0)),
            occasion: false,
            recipient: false,
            budget_only: price.any()
                && (0..t.len()).all(|i| {
                    let w = t.word(i);
                    price.notes.iter().any(|n| n.from <= i && i < n.to)
                        || (t.toks[i].kind != Kind::Num
                            && (w.is_empty() || BUDGET_WORDS.contains(&w)))
                }),
        };
        let mut greet_covered = vec![false; t.len()];
        for m in matches {
            for tag in m.tags {
                s.occasion |= matches!(tag, Tag::Occasion(_));
                s.recipient |= matches!(tag, Tag::Recipient(_));
                if let Tag::Cue(c) = tag {
                    let slot = &mut s.cues[*c as usize];
                    *slot = slot.saturating_add(1);
                    if *c == Cue::OrderObj {
                        let w = t.word(m.start);
                        let prev = if m.start > 0 { t.word(m.start - 1) } else { "" };
                        let poss =
                            m.start > 0 && matches!(prev, "my" | "our" | "the" | "this" | "your");
                        let next = t.word(m.start + m.len);
                        let verb = (w == "order" || w == "purchase")
                            && !poss
                            && (ORDER_VERB_BEFORE.contains(&prev)
                                || matches!(
                                    next,
                                    "a" | "an" | "some" | "more" | "new" | "another"
                                ));
                        let weak = m.len == 1 && matches!(w, "delivery" | "purchase" | "purchases");
                        let mine = matches!(prev, "my" | "our");
                        s.order_noun |= !verb && (!weak || mine);
                        s.strong_order |= !verb && !weak;
                        s.my_order |= !verb && if weak { mine } else { poss };
                    }
                    if !matches!(c, Cue::Greet | Cue::Thanks) {
                        s.other_cues += 1;
                    }
                    if matches!(c, Cue::Greet | Cue::Thanks) {
                        for g in greet_covered.iter_mut().skip(m.start).take(m.len) {
                            *g = true;
                        }
                    }
                }
            }
        }
        s.greet_leftover = (0..t.len())
            .filter(|&i| {
                let w = t.word(i);
                !w.is_empty() && !greet_covered[i] && !GREET_FILLER.contains(&w)
            })
            .count();
        s.pronoun = (0..t.len()).any(|i| PRONOUNS.contains(&t.word(i)));
        s.item_word = (0..t.len()).any(|i| {
            matches!(
                t.word(i),
                "item" | "items" | "product" | "products" | "piece"
            )
        });
        s.owned_item = found.cats.iter().any(|c| {
            c.ignored.is_none()
                && (1..=3)
                    .any(|k| c.token >= k && matches!(t.word(c.token - k), "my" | "our" | "the"))
        }) || (0..t.len())
            .any(|i| matches!(t.word(i), "my" | "our") && t.word(i + 1) == "jewelry");
        s
    }

    fn has(&self, c: Cue) -> bool {
        self.cues[c as usize] > 0
    }

    /// Asks to cancel an order ("cancel my order", "cancel order GG-104233").
    pub(crate) fn cancellation(&self) -> bool {
        self.has(Cue::Cancel) && (self.order_noun || self.order_number)
    }

    fn any_neg(&self) -> bool {
        [
            Cue::NegBank,
            Cue::NegCard,
            Cue::NegTravel,
            Cue::NegMedia,
            Cue::NegPhone,
            Cue::NegOther,
        ]
        .iter()
        .any(|c| self.has(*c))
    }

    fn bank_or_travel(&self) -> bool {
        self.has(Cue::NegBank) || self.has(Cue::NegCard) || self.has(Cue::NegTravel)
    }

    fn payment(&self) -> bool {
        self.has(Cue::NegPay)
    }

    /// Something the shop sold: an order, a package, a piece of jewelry, an order number.
    fn shop_context(&self) -> bool {
        self.order_noun || self.order_number || self.has(Cue::Ordered) || self.strength > 0
    }

    /// Unmistakably this shop: an order/package noun, an order number or a jewelry word.
    fn shop_strong(&self) -> bool {
        self.strong_order || self.order_number || self.strength > 0
    }
}

/// The outcome of one intent's rule.
pub(crate) type Verdict = Result<&'static str, &'static str>;

/// The chosen intent and the rule that chose it.
#[derive(Debug, Clone)]
pub(crate) struct Decision {
    pub intent: Intent,
    pub why: &'static str,
    pub command: bool,
}

fn command(text: &str) -> Option<Intent> {
    let rest = text.trim_start().strip_prefix('/')?;
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .take(16)
        .flat_map(char::to_lowercase)
        .collect();
    Some(match word.as_str() {
        "stylist" | "human" | "agent" => Intent::Stylist,
        "track" | "order" | "tracking" => Intent::TrackOrder,
        "returns" | "return" | "refund" | "exchange" | "resize" => Intent::Returns,
        "quiz" | "style_quiz" | "style-quiz" | "style" => Intent::StyleQuiz,
        "shortlist" | "favorites" | "saved" | "wishlist" => Intent::Shortlist,
        "help" | "start" | "menu" => Intent::Help,
        _ => return None,
    })
}

/// Runs the rules in order; the first that says yes decides.
pub(crate) fn decide(text: &str, s: &Signals) -> Decision {
    if let Some(intent) = command(text) {
        return Decision {
            intent,
            why: "a slash command",
            command: true,
        };
    }
    for intent in Intent::ALL {
        if let Ok(why) = rule(intent, s) {
            return Decision {
                intent,
                why,
                command: false,
            };
        }
    }
    Decision {
        intent: Intent::Unknown,
        why: "no rule matched",
        command: false,
    }
}

/// The rule for one intent.
pub(crate) fn rule(intent: Intent, s: &Signals) -> Verdict {
    match intent {
        Intent::Stylist => stylist(s),
        Intent::Returns => returns(s),
        Intent::TrackOrder => track(s),
        Intent::Shortlist => shortlist(s),
        Intent::StyleQuiz => quiz(s),
        Intent::FindProduct => find_product(s),
        Intent::Help => help(s),
        Intent::Greeting => greeting(s),
        Intent::Unknown => Ok("nothing else matched"),
    }
}

fn stylist(s: &Signals) -> Verdict {
    let human = s.has(Cue::Human) || s.has(Cue::HumanStrong) || s.has(Cue::HumanWeak);
    if !human {
        return Err("no stylist, human, agent or customer-service words");
    }
    if s.bank_or_travel() && !s.shop_strong() {
        return Err("about banking or travel, not this shop");
    }
    if s.has(Cue::BotQ) || (s.has(Cue::AreYou) && !s.has(Cue::Talk)) {
        return Err("asks whether the concierge is a human, does not ask for one");
    }
    if s.has(Cue::HumanStrong) {
        return Ok("asks for a stylist, a real person or customer service");
    }
    if s.has(Cue::Human)
        && (s.has(Cue::Talk)
            || s.has(Cue::Shop)
            || s.has(Cue::Want)
            || s.has(Cue::HelpWord)
            || (s.words <= 4 && !s.bot_question))
    {
        return Ok("asks for a human, an agent or a representative");
    }
    if s.has(Cue::HumanWeak)
        && (s.has(Cue::Talk)
            || (s.has(Cue::HelpWord) && s.strength == 0 && s.words <= 8)
            || (s.words <= 3 && !s.bot_question))
    {
        return Ok("wants to talk to someone");
    }
    Err("mentions a person but does not ask to talk to one")
}

fn returns(s: &Signals) -> Verdict {
    let any = [
        Cue::Return,
        Cue::Refund,
        Cue::Exchange,
        Cue::Swap,
        Cue::Resize,
        Cue::Damage,
        Cue::Cancel,
    ]
    .iter()
    .any(|c| s.has(*c));
    if !any {
        return Err("no return, refund, exchange, resize or damage words");
    }
    if (s.any_neg() || s.payment()) && !s.shop_strong() {
        return Err("about something other than this shop (bank, payment, travel, phone…)");
    }
    let object = s.shop_context() || s.pronoun || s.has(Cue::Policy);
    if s.has(Cue::Refund) {
        return Ok("asks for a refund");
    }
    if s.has(Cue::Return) && (object || s.words <= 3) {
        return Ok("wants to return something");
    }
    if s.has(Cue::Exchange) && (object || s.has(Cue::Resize) || s.words <= 3) {
        return Ok("wants an exchange");
    }
    if s.has(Cue::Swap) && (s.shop_context() || s.has(Cue::Resize)) {
        return Ok("wants to swap or replace a piece");
    }
    if s.has(Cue::Resize) && (object || s.has(Cue::Policy)) {
        return Ok("wants a resize (the piece does not fit)");
    }
    if s.has(Cue::Damage) && (s.owned_item || s.item_word || s.shop_context()) {
        return Ok("a piece arrived damaged or wrong");
    }
    if s.has(Cue::Cancel) && s.order_noun {
        return Ok("wants to cancel an order");
    }
    Err("return words without anything bought to return")
}

fn track(s: &Signals) -> Verdict {
    if (s.bank_or_travel() || s.payment()) && !s.shop_strong() {
        return Err("about a bank card, a transfer or travel, not an order");
    }
    if s.order_number && (s.has(Cue::Track) || s.words <= 4 || s.order_noun) {
        return Ok("gives an order number");
    }
    if s.has(Cue::Track)
        && (s.order_noun || s.has(Cue::Ordered) || (s.owned_item && s.has_category))
    {
        return Ok("asks where an order is (tracking/delivery words + an order)");
    }
    if s.my_order {
        return Ok("asks about their order");
    }
    if s.has(Cue::Track) {
        Err("delivery words, but no order, package or piece bought")
    } else {
        Err("no tracking or delivery words")
    }
}

fn shortlist(s: &Signals) -> Verdict {
    if s.has(Cue::Shortlist) && s.any_neg() && s.strength == 0 {
        Err("a list that is not the shortlist")
    } else if s.has(Cue::Shortlist) {
        Ok("mentions the shortlist, wishlist or saved pieces")
    } else {
        Err("no shortlist words")
    }
}

fn quiz(s: &Signals) -> Verdict {
    if !s.has(Cue::Quiz) {
        return Err("no quiz or 'my style' words");
    }
    if s.has(Cue::NegMedia) {
        return Err("a trivia or media quiz");
    }
    Ok("asks for the style quiz")
}

fn find_product(s: &Signals) -> Verdict {
    if s.strength == 0 && s.has(Cue::Gift) && s.price && !s.any_neg() && !s.payment() {
        return Ok("a gift with a budget");
    }
    // "a gift for my wife", "something for our anniversary", "what should I get my wife for
    // our anniversary"; not "let my wife see where I am" or "add our anniversary dinner".
    let gift_for = (s.occasion || s.recipient) && (s.has(Cue::Present) || s.has(Cue::Shop))
        || (s.occasion && s.recipient && s.has(Cue::Want));
    if s.strength == 0 && gift_for && !s.any_neg() && !s.payment() {
        return Ok("a gift for an occasion or a person");
    }
    let shopping_cues: usize = [Cue::Shop, Cue::Want, Cue::Gift]
        .iter()
        .map(|c| usize::from(s.cues[*c as usize]))
        .sum();
    if s.strength == 0 && s.budget_only && s.other_cues == shopping_cues {
        return Ok("a budget and nothing else: what is there for it");
    }
    if s.has(Cue::Genuine)
        && s.question
        && !s.has_category
        && !s.price
        && !s.has(Cue::Shop)
        && !s.has(Cue::Want)
    {
        return Err("asks what jewelry is made of (real, solid, plated…), not for a piece");
    }
    if s.question && s.owned_item && !s.price && !s.has(Cue::Shop) && !s.has(Cue::Want) {
        return Err("a question about the shopper's own piece, not a search for a new one");
    }
    if s.strength == 0 && !(s.price_currency && s.has(Cue::Shop)) {
        return Err("no jewelry category, metal or gem words");
    }
    if (s.any_neg() && s.strength < 2) || (s.payment() && s.strength == 0) {
        return Err("the jewelry word has another meaning here (card, medal, playlist, phone…)");
    }
    if s.has_category {
        return Ok("names a jewelry category");
    }
    if s.has(Cue::Custom) {
        return Ok("asks for custom, capsule or made-to-order pieces");
    }
    let shopping = s.has(Cue::Shop)
        || s.has(Cue::Want)
        || s.has(Cue::Gift)
        || s.price
        || s.has(Cue::ReadyShip);
    if s.strength > 0 && (shopping || s.words <= 4) {
        return Ok("a metal or gem with shopping words");
    }
    if s.price_currency && s.has(Cue::Shop) {
        return Ok("shopping words with a price");
    }
    Err("jewelry words without a shopping request")
}

fn help(s: &Signals) -> Verdict {
    if s.has(Cue::HelpAsk) {
        return Ok("asks what the concierge can do");
    }
    if s.has(Cue::HelpWord) {
        return Ok("asks for help without saying with what");
    }
    Err("no help words")
}

fn greeting(s: &Signals) -> Verdict {
    if !s.has(Cue::Greet) {
        return Err("no greeting words");
    }
    if s.greet_leftover > 1 || s.other_cues > 0 {
        return Err("a greeting followed by something else");
    }
    Ok("a greeting")
}
