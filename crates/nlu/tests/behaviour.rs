//! One test per behaviour of the issue, named as sentences.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_nlu::{Category, ConfigError, Intent, Metal, NluConfig, Understander, Understanding};

fn u() -> Understander {
    Understander::new(&NluConfig::default()).unwrap()
}

fn understand(text: &str) -> Understanding {
    u().understand(text)
}

fn intent(text: &str) -> Intent {
    understand(text).intent
}

fn prices(text: &str) -> (Option<f64>, Option<f64>) {
    let f = understand(text).filters;
    (f.min_price, f.max_price)
}

#[test]
fn slash_commands_pick_their_intent() {
    assert_eq!(intent("/stylist"), Intent::Stylist);
    assert_eq!(intent("/track"), Intent::TrackOrder);
    assert_eq!(intent("/returns"), Intent::Returns);
    assert_eq!(intent("/quiz"), Intent::StyleQuiz);
    assert_eq!(intent("/help"), Intent::Help);
    assert_eq!(intent("  /shortlist"), Intent::Shortlist);
}

#[test]
fn the_json_has_the_documented_shape() {
    let json = serde_json::to_value(understand("rose gold rings under $800")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"intent": "find_product", "filters": {"category": "rings", "metals": ["rose_gold"],
            "min_price": null, "max_price": 800, "ready_to_ship": false}, "order_number": null})
    );
}

#[test]
fn whole_prices_serialise_as_integers_and_cents_as_decimals() {
    let json = serde_json::to_string(&understand("rings under $12.50")).unwrap();
    assert!(json.contains("\"max_price\":12.5"), "{json}");
    let json = serde_json::to_string(&understand("rings under $800")).unwrap();
    assert!(json.contains("\"max_price\":800,"), "{json}");
}

#[test]
fn an_understanding_round_trips_through_json() {
    let x = understand("vintage 18k white gold hoops between 500 and 1,200 dollars ready to ship");
    let back: Understanding = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
    assert_eq!(x, back);
}

#[test]
fn upper_bound_words_set_max_price() {
    for text in [
        "rings under 500",
        "rings below 500",
        "rings less than 500",
        "rings cheaper than 500",
        "rings no more than 500",
        "rings up to 500",
        "rings max 500",
        "rings, budget 500",
        "rings < 500",
        "rings $500 or less",
    ] {
        assert_eq!(prices(text), (None, Some(500.0)), "{text}");
    }
}

#[test]
fn lower_bound_words_set_min_price() {
    for text in [
        "rings over 500",
        "rings above 500",
        "rings more than 500",
        "rings at least 500",
        "rings > 500",
    ] {
        assert_eq!(prices(text), (Some(500.0), None), "{text}");
    }
}

#[test]
fn ranges_set_both_bounds() {
    for text in [
        "rings between 300 and 600",
        "rings 300-600",
        "rings from 300 to 600",
        "rings $300 - $600",
    ] {
        assert_eq!(prices(text), (Some(300.0), Some(600.0)), "{text}");
    }
}

#[test]
fn money_formats_are_read() {
    assert_eq!(prices("ring under $1,250.00"), (None, Some(1250.0)));
    assert_eq!(prices("ring under 1.5k"), (None, Some(1500.0)));
    assert_eq!(prices("ring under 2k"), (None, Some(2000.0)));
    assert_eq!(prices("ring for USD 650"), (None, Some(650.0)));
    assert_eq!(prices("necklace under 50 bucks"), (None, Some(50.0)));
    assert_eq!(prices("ring under three thousand"), (None, Some(3000.0)));
    assert_eq!(
        prices("bracelet under two hundred and fifty dollars"),
        (None, Some(250.0))
    );
}

#[test]
fn a_karat_is_never_a_price() {
    assert_eq!(prices("14k gold ring"), (None, None));
    assert_eq!(prices("18K hoops"), (None, None));
    let u = understand("14k gold ring under $900");
    assert_eq!(
        (u.filters.min_price, u.filters.max_price),
        (None, Some(900.0))
    );
    assert_eq!(u.filters.metals, vec![Metal::YellowGold]);
}

#[test]
fn sizes_carats_quantities_and_lengths_are_never_prices() {
    assert_eq!(prices("ring size 7"), (None, None));
    assert_eq!(prices("3 carat diamond ring"), (None, None));
    assert_eq!(prices("I need 2 rings"), (None, None));
    assert_eq!(prices("16 inch chain"), (None, None));
    assert_eq!(prices("size 7 ring under 900"), (None, Some(900.0)));
}

#[test]
fn an_order_number_is_never_a_price() {
    let x = understand("where is order 123456");
    assert_eq!(x.order_number.as_deref(), Some("123456"));
    assert_eq!((x.filters.min_price, x.filters.max_price), (None, None));
}

#[test]
fn categories_have_synonyms() {
    let cat = |t: &str| understand(t).filters.category;
    for t in [
        "wedding band",
        "solitaire with a round diamond",
        "gold signet",
        "eternity band",
    ] {
        assert_eq!(cat(t), Some(Category::Rings), "{t}");
    }
    for t in [
        "silver pendant",
        "gold chain",
        "diamond choker",
        "pearl lariat",
    ] {
        assert_eq!(cat(t), Some(Category::Necklaces), "{t}");
    }
    for t in ["diamond studs", "gold hoops", "pearl drops"] {
        assert_eq!(cat(t), Some(Category::Earrings), "{t}");
    }
    for t in ["gold bangle", "silver cuff", "tennis bracelet"] {
        assert_eq!(cat(t), Some(Category::Bracelets), "{t}");
    }
}

#[test]
fn metals_have_synonyms_and_can_be_combined() {
    let metals = |t: &str| understand(t).filters.metals;
    assert_eq!(metals("pink gold ring"), vec![Metal::RoseGold]);
    assert_eq!(metals("18k white gold ring"), vec![Metal::WhiteGold]);
    assert_eq!(
        metals("white gold or platinum ring"),
        vec![Metal::WhiteGold, Metal::Platinum]
    );
    assert_eq!(metals("sterling silver hoops"), vec![Metal::Silver]);
}

#[test]
fn several_filters_fit_in_one_message() {
    let x = understand("vintage rose gold engagement ring between 1k and 3k, ready to ship");
    assert_eq!(x.intent, Intent::FindProduct);
    assert_eq!(x.filters.category, Some(Category::Rings));
    assert_eq!(x.filters.metals, vec![Metal::RoseGold]);
    assert_eq!(
        (x.filters.min_price, x.filters.max_price),
        (Some(1000.0), Some(3000.0))
    );
    assert!(x.filters.ready_to_ship);
    assert_eq!(x.filters.styles, vec!["vintage".to_owned()]);
}

#[test]
fn capsule_custom_and_made_to_order_requests_are_find_product_with_the_words_kept() {
    for (text, word) in [
        ("do you do custom engagement rings", "custom"),
        ("tell me about the capsule collection", "capsule"),
        ("can I get a made-to-order necklace", "made"),
    ] {
        let x = understand(text);
        assert_eq!(x.intent, Intent::FindProduct, "{text}");
        assert!(
            x.filters.query.as_deref().unwrap_or("").contains(word),
            "{text}: {:?}",
            x.filters.query
        );
    }
}

#[test]
fn shoppers_typos_are_understood() {
    assert_eq!(
        understand("silver neckalce").filters.category,
        Some(Category::Necklaces)
    );
    assert_eq!(
        understand("gold braclet").filters.category,
        Some(Category::Bracelets)
    );
    assert_eq!(
        understand("pearl earings").filters.category,
        Some(Category::Earrings)
    );
    assert_eq!(
        understand("platnum band").filters.metals,
        vec![Metal::Platinum]
    );
    assert_eq!(
        understand("diamond rign").filters.category,
        Some(Category::Rings)
    );
}

#[test]
fn jewelry_words_in_sentences_that_are_not_shopping_are_not_find_product() {
    for text in [
        "my platinum card was declined",
        "add 7 rings to my playlist",
        "who won the gold medal",
        "ring me back later",
    ] {
        assert_ne!(intent(text), Intent::FindProduct, "{text}");
    }
}

#[test]
fn out_of_scope_sentences_are_unknown() {
    for text in [
        "book me a flight to paris",
        "what's the weather tomorrow",
        "how do I reset my pin",
    ] {
        assert_eq!(intent(text), Intent::Unknown, "{text}");
    }
}

#[test]
fn returns_cover_return_refund_exchange_and_resize() {
    for text in [
        "I want to return my necklace",
        "can I get a refund",
        "exchange these earrings for a bigger pair",
        "my ring needs resizing",
        "the ring is too small",
    ] {
        assert_eq!(intent(text), Intent::Returns, "{text}");
    }
}

#[test]
fn asking_for_a_human_is_stylist_but_asking_if_the_bot_is_human_is_not() {
    for text in [
        "talk to a stylist",
        "can I speak to an agent",
        "a person please",
        "customer service",
    ] {
        assert_eq!(intent(text), Intent::Stylist, "{text}");
    }
    assert_ne!(intent("are you a real person"), Intent::Stylist);
}

#[test]
fn tracking_needs_an_order() {
    assert_eq!(intent("where is my order"), Intent::TrackOrder);
    assert_eq!(intent("has my package shipped"), Intent::TrackOrder);
    assert_ne!(intent("when will my new card arrive"), Intent::TrackOrder);
}

#[test]
fn greeting_help_shortlist_and_quiz_are_recognised() {
    assert_eq!(intent("hello there"), Intent::Greeting);
    assert_eq!(intent("hi, where is my order"), Intent::TrackOrder);
    assert_eq!(intent("what can you do"), Intent::Help);
    assert_eq!(intent("show me my shortlist"), Intent::Shortlist);
    assert_eq!(intent("I'd like to take the style quiz"), Intent::StyleQuiz);
}

#[test]
fn order_numbers_count_with_prefix_hash_or_order_words() {
    let on = |t: &str| understand(t).order_number;
    assert_eq!(on("where is gg-123456?").as_deref(), Some("GG-123456"));
    assert_eq!(on("status of #98765").as_deref(), Some("98765"));
    assert_eq!(on("my order number is 4455667").as_deref(), Some("4455667"));
    assert_eq!(on("purchase 12345 never came").as_deref(), Some("12345"));
    assert_eq!(on("a ring under 5000"), None);
    assert_eq!(on("ring size 7"), None);
    assert_eq!(on("I was born in 1990"), None);
}

#[test]
fn the_order_number_pattern_is_a_setting() {
    let custom = Understander::new(&NluConfig {
        order_number_pattern: r"AB\d{3}".to_owned(),
        ..NluConfig::default()
    })
    .unwrap();
    assert_eq!(
        custom.understand("where is ab123").order_number.as_deref(),
        Some("AB123")
    );
    assert_eq!(
        custom.understand("where is order 123456").order_number,
        None
    );
}

#[test]
fn a_bad_order_number_pattern_is_a_clear_config_error() {
    let err = Understander::new(&NluConfig {
        order_number_pattern: "(unclosed".to_owned(),
        ..NluConfig::default()
    })
    .unwrap_err();
    assert!(matches!(err, ConfigError::InvalidOrderNumberPattern { .. }));
    assert!(err.to_string().contains("order_number_pattern"), "{err}");
}

#[test]
fn order_number_form_fields_must_match_whole() {
    let u = u();
    assert_eq!(
        u.parse_order_number("  #gg-123456 ").as_deref(),
        Some("GG-123456")
    );
    assert_eq!(u.parse_order_number("123456").as_deref(), Some("123456"));
    assert_eq!(u.parse_order_number("order 123456"), None);
    assert_eq!(u.parse_order_number("123"), None);
    assert_eq!(u.parse_order_number(""), None);
}

#[test]
fn explain_names_the_matched_words_and_why_others_lost() {
    let text = u().explain("rose gold rings under $800").to_string();
    assert!(text.contains("intent: find_product"), "{text}");
    assert!(text.contains("\"rose gold\": metal rose_gold"), "{text}");
    assert!(text.contains("max 800"), "{text}");
    assert!(text.contains("track_order:"), "{text}");
    let text = u().explain("my platinum card was declined").to_string();
    assert!(text.contains("intent: unknown"), "{text}");
}

#[test]
fn long_messages_are_truncated_not_rejected() {
    let long = format!("{} rose gold ring", "la ".repeat(5000));
    let x = understand(&long);
    assert_eq!(
        x.filters.category, None,
        "words after 2,000 characters are not read"
    );
    let explained = u().explain(&long);
    assert_eq!(explained.text.chars().count(), aurora_nlu::MAX_CHARS);
}

#[test]
fn cheapest_and_most_expensive_ask_for_an_order_not_for_words() {
    let cheapest = understand("what is your cheapest ring");
    assert_eq!(cheapest.intent, Intent::FindProduct);
    assert_eq!(cheapest.filters.category, Some(Category::Rings));
    assert_eq!(cheapest.filters.sort, Some(aurora_nlu::SortOrder::PriceAsc));
    assert_eq!(
        cheapest.filters.query, None,
        "`cheapest` is not searched for"
    );
    let dearest = understand("show me your most expensive necklaces");
    assert_eq!(dearest.filters.sort, Some(aurora_nlu::SortOrder::PriceDesc));
    assert_eq!(dearest.filters.category, Some(Category::Necklaces));
    assert_eq!(understand("gold rings").filters.sort, None);
    let json = serde_json::to_value(&cheapest).unwrap();
    assert_eq!(json["filters"]["sort"], "price_asc");
    assert!(
        u().explain("cheapest rings")
            .to_string()
            .contains("sort price_asc"),
        "{}",
        u().explain("cheapest rings")
    );
}

#[test]
fn changing_a_ring_size_is_a_resize_not_a_ring_search() {
    for text in [
        "can I change my ring size",
        "change ring size please",
        "how do I adjust my ring size?",
    ] {
        let got = understand(text);
        assert_eq!(got.intent, Intent::Returns, "{text}");
        assert_eq!(got.filters.category, None, "{text}");
    }
    assert_eq!(intent("rings in size 7"), Intent::FindProduct);
}

#[test]
fn a_gift_with_a_budget_is_a_product_search() {
    let gift = understand("gift ideas under 150");
    assert_eq!(gift.intent, Intent::FindProduct);
    assert_eq!(gift.filters.max_price, Some(150.0));
    assert_eq!(
        intent("a birthday present around $200"),
        Intent::FindProduct
    );
    assert_eq!(
        intent("birthday party for under 100 people"),
        Intent::Unknown
    );
    assert_eq!(intent("ideas under 150"), Intent::Unknown);
}

#[test]
fn asking_what_jewelry_is_made_of_is_not_a_product_search() {
    // The store's knowledge file answers these (the concierge's `answer` block).
    for text in [
        "is this real gold?",
        "is your gold solid or plated",
        "are your diamonds natural?",
        "is the silver hypoallergenic",
        "is it gold filled or solid",
        "how do I clean my silver necklace?",
        "how should I store my gold bracelet",
    ] {
        assert_eq!(intent(text), Intent::Unknown, "{text}");
    }
    // Still products: a category, a budget or a shopping word.
    for text in [
        "is there a solid gold ring under 500?",
        "real gold necklaces",
        "solid gold hoops",
        "do you have natural diamond earrings",
        "I want solid gold",
    ] {
        assert_eq!(intent(text), Intent::FindProduct, "{text}");
    }
}

#[test]
fn cancelling_an_order_is_returns_with_a_cancellation_request() {
    for text in [
        "I want to cancel my order",
        "cancel order GG-104233 please",
        "can i cancel my purchase",
    ] {
        let understood = understand(text);
        assert_eq!(understood.intent, Intent::Returns, "{text}");
        assert_eq!(
            understood.request,
            Some(aurora_nlu::Request::Cancellation),
            "{text}"
        );
    }
    assert_eq!(
        understand("cancel order GG-104233").order_number.as_deref(),
        Some("GG-104233")
    );
    for text in ["I want to return my order", "my ring is too small"] {
        assert_eq!(understand(text).request, None, "{text}");
    }
}

#[test]
fn a_word_with_other_meanings_alone_is_what_the_shopper_wants() {
    for (text, category) in [
        ("hoops", Category::Earrings),
        ("studs please", Category::Earrings),
        ("chain", Category::Necklaces),
    ] {
        let understood = understand(text);
        assert_eq!(understood.intent, Intent::FindProduct, "{text}");
        assert_eq!(understood.filters.category, Some(category), "{text}");
    }
    // With other words it still needs jewelry around it.
    for text in [
        "jump through hoops",
        "the band was great",
        "chain of command",
    ] {
        assert_ne!(intent(text), Intent::FindProduct, "{text}");
    }
}

#[test]
fn around_an_amount_is_a_range_either_side_of_it_by_a_setting() {
    assert_eq!(
        prices("rose gold rings around $500"),
        (Some(400.0), Some(600.0))
    );
    assert_eq!(prices("necklace about 50 bucks"), (Some(40.0), Some(60.0)));
    assert_eq!(
        prices("roughly 1k for a bracelet"),
        (Some(800.0), Some(1200.0))
    );
    // A budget without "around" stays an upper bound.
    assert_eq!(prices("rings for $500"), (None, Some(500.0)));
    assert_eq!(
        prices("I want to spend 300 on earrings"),
        (None, Some(300.0))
    );
    let wide = Understander::new(&NluConfig {
        around_percent: 50,
        ..NluConfig::default()
    })
    .unwrap();
    let filters = wide.understand("earrings around 200").filters;
    assert_eq!(
        (filters.min_price, filters.max_price),
        (Some(100.0), Some(300.0))
    );
}

#[test]
fn a_budget_alone_is_a_product_search_within_it() {
    for (text, min, max) in [
        ("below 2k", None, Some(2000.0)),
        ("nothing over 500 please", None, Some(500.0)),
        ("anything between 200 and 400", Some(200.0), Some(400.0)),
        ("my budget is about 300", None, Some(300.0)),
    ] {
        let understood = understand(text);
        assert_eq!(understood.intent, Intent::FindProduct, "{text}");
        let f = understood.filters;
        assert_eq!((f.min_price, f.max_price), (min, max), "{text}");
    }
    for text in [
        "set a budget of 300 for groceries",
        "transfer 500 to my account",
        "what is 200 plus 300",
    ] {
        assert_ne!(intent(text), Intent::FindProduct, "{text}");
    }
}

#[test]
fn a_type_word_gives_its_category_and_the_type() {
    for (text, category, kind) in [
        ("hoops", Category::Earrings, "hoops"),
        ("gold hoop earrings under 300", Category::Earrings, "hoops"),
        ("huggies", Category::Earrings, "huggies"),
        ("diamond studs", Category::Earrings, "studs"),
        ("pearl drops", Category::Earrings, "drops"),
        ("silver pendant necklace", Category::Necklaces, "pendant"),
        ("gold chain", Category::Necklaces, "chain"),
        ("a locket for my mom", Category::Necklaces, "locket"),
        ("platinum wedding bands", Category::Rings, "wedding band"),
        ("engagement rings", Category::Rings, "engagement ring"),
        ("rose gold bangle", Category::Bracelets, "bangle"),
        ("silver cuff", Category::Bracelets, "cuff"),
        (
            "tennis bracelet under 2k",
            Category::Bracelets,
            "tennis bracelet",
        ),
    ] {
        let understood = understand(text);
        assert_eq!(understood.intent, Intent::FindProduct, "{text}");
        assert_eq!(understood.filters.category, Some(category), "{text}");
        assert_eq!(understood.filters.kind.as_deref(), Some(kind), "{text}");
    }
    // A category alone has no type, and a type word is never searched for as text too.
    assert_eq!(understand("gold rings").filters.kind, None);
    assert_eq!(understand("earrings").filters.kind, None);
    assert_eq!(understand("gold hoops").filters.query, None);
    let json = serde_json::to_value(understand("hoops")).unwrap();
    assert_eq!(json["filters"]["kind"], "hoops");
    assert!(
        serde_json::to_value(understand("rings")).unwrap()["filters"]
            .get("kind")
            .is_none(),
        "absent when there is none"
    );
}

#[test]
fn newest_and_latest_ask_for_the_newest_first() {
    for text in [
        "newest rings",
        "show me your latest necklaces",
        "new arrivals",
        "any new arrivals in rose gold?",
    ] {
        let understood = understand(text);
        assert_eq!(understood.intent, Intent::FindProduct, "{text}");
        assert_eq!(
            understood.filters.sort,
            Some(aurora_nlu::SortOrder::Newest),
            "{text}"
        );
        assert_eq!(understood.filters.query, None, "{text}");
    }
    assert_eq!(
        serde_json::to_value(understand("newest rings")).unwrap()["filters"]["sort"],
        "newest"
    );
    // Not a shopping request on its own.
    assert_eq!(intent("what's the latest news"), Intent::Unknown);
}

#[test]
fn an_occasion_or_a_person_makes_a_gift_search_with_that_context() {
    use aurora_nlu::{Occasion, Recipient};
    for (text, occasion, recipient) in [
        (
            "anniversary gift for my wife",
            Some(Occasion::Anniversary),
            Some(Recipient::Her),
        ),
        (
            "birthday present for mom under 200",
            Some(Occasion::Birthday),
            Some(Recipient::Mom),
        ),
        ("something for him", None, Some(Recipient::Him)),
        ("wedding gift", Some(Occasion::Wedding), None),
        ("gift ideas for my girlfriend", None, Some(Recipient::Her)),
        (
            "what should I get my wife for our anniversary",
            Some(Occasion::Anniversary),
            Some(Recipient::Her),
        ),
        ("a gift for my husband", None, Some(Recipient::Him)),
        ("mothers day gift", Some(Occasion::MothersDay), None),
    ] {
        let understood = understand(text);
        assert_eq!(understood.intent, Intent::FindProduct, "{text}");
        assert_eq!(understood.filters.occasion, occasion, "{text}");
        assert_eq!(understood.filters.recipient, recipient, "{text}");
        // Context, not words to search product texts for.
        assert_eq!(understood.filters.query, None, "{text}");
    }
    let ring = understand("an anniversary ring for my wife under $900");
    assert_eq!(ring.filters.category, Some(Category::Rings));
    assert_eq!(ring.filters.occasion, Some(Occasion::Anniversary));
    assert_eq!(ring.filters.max_price, Some(900.0));
    let json = serde_json::to_value(&ring).unwrap();
    assert_eq!(json["filters"]["occasion"], "anniversary");
    assert_eq!(json["filters"]["recipient"], "her");
    // People and dates in other errands are not gift searches (from the out-of-scope sets).
    for text in [
        "i would like to share my location with my mom",
        "let the wife see where i'm at",
        "i need anniversary dinner added to my schedule for march 7",
        "move 57 dollars from saving into mom",
        "remind me to buy a gift for my wife",
        "happy birthday",
        "call my mom",
    ] {
        assert_eq!(intent(text), Intent::Unknown, "{text}");
    }
}

#[test]
fn an_order_number_after_a_misspelt_order_word_is_read() {
    for (text, number) in [
        ("ordre 10234 status", "10234"),
        ("Ordre 10234", "10234"),
        ("my purhcase 10234 hasnt arrived", "10234"),
        ("where is oder 55512", "55512"),
    ] {
        let understood = understand(text);
        assert_eq!(
            understood.order_number.as_deref(),
            Some(number),
            "{text}: {understood:?}"
        );
        assert_eq!(understood.intent, Intent::TrackOrder, "{text}");
    }
    // A real word one edit from "order" is not one.
    assert_eq!(understand("border 1234").order_number, None);
    assert_eq!(understand("older 1234").order_number, None);
}
