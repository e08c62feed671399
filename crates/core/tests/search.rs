//! Product search on the demo catalog: filters against a brute-force count, sorts and pages,
//! typo tolerance, the no-results alternatives, following a new snapshot, and `describe`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// One module so that `cargo test -p aurora-core search` selects every test of this file.
mod search {
    use aurora_core::catalog::search::{
        PriceHint, ProductQuery, Relaxed, SearchIndex, Sort, describe, similar_metal,
    };
    use aurora_core::catalog::{Catalog, Category, DiamondOrigin, Metal, Product, Stones};
    use aurora_core::money::{Currency, Money};
    use std::collections::HashSet;
    use std::sync::{Arc, OnceLock};
    use std::time::Instant;

    fn demo_catalog() -> Arc<Catalog> {
        Arc::new(Catalog::new(1, aurora_core::demo::products()))
    }

    /// Built once: tests only read it, as the server's handlers do.
    fn index() -> &'static SearchIndex {
        static INDEX: OnceLock<SearchIndex> = OnceLock::new();
        INDEX.get_or_init(|| SearchIndex::build(demo_catalog()).unwrap())
    }

    fn products() -> &'static [Product] {
        index().catalog().products()
    }

    /// The filters, written the obvious way, to check the index against.
    fn passes(query: &ProductQuery, p: &Product) -> bool {
        query.category.is_none_or(|c| c == p.category)
            && (query.metals.is_empty() || p.all_metals().iter().any(|m| query.metals.contains(m)))
            && query.min_price.is_none_or(|min| p.price_range().1 >= min)
            && query.max_price.is_none_or(|max| p.price_range().0 <= max)
            && (!query.ready_to_ship || p.ready_to_ship)
            && (query.styles.is_empty() || p.styles.iter().any(|s| query.styles.contains(s)))
            && query.kind.as_deref().is_none_or(|kind| {
                p.kind
                    .as_deref()
                    .is_some_and(|own| own.eq_ignore_ascii_case(kind.trim()))
            })
    }

    fn all(query: &ProductQuery, sort: Sort) -> Vec<Product> {
        let found = index().search(query, sort, 0, usize::MAX);
        assert_eq!(found.products.len(), found.total, "{query:?}");
        found.products.into_iter().cloned().collect()
    }

    fn ids(products: &[Product]) -> Vec<&str> {
        products.iter().map(|p| p.id.as_str()).collect()
    }

    fn mentions(p: &Product, word: &str) -> bool {
        let word = word.to_lowercase();
        p.title.to_lowercase().contains(&word) || p.description.to_lowercase().contains(&word)
    }

    fn dollars(d: i64) -> Option<Money> {
        Some(Money::from_minor(d * 100))
    }

    /// Asserts the index returns exactly the brute-force matches of a text-free query.
    fn assert_matches_brute_force(query: &ProductQuery) {
        let expected: HashSet<&str> = products()
            .iter()
            .filter(|p| passes(query, p))
            .map(|p| p.id.as_str())
            .collect();
        let found = all(query, Sort::Relevance);
        assert!(found.iter().all(|p| passes(query, p)), "{query:?}");
        let got: HashSet<&str> = found.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(got.len(), found.len(), "duplicates for {query:?}");
        assert_eq!(got, expected, "{query:?}");
    }

    #[test]
    fn the_demo_catalog_is_big_enough_to_search() {
        assert!(products().len() >= 320);
        assert_eq!(index().catalog_version(), 1);
    }

    #[test]
    fn a_category_filter_returns_every_product_of_that_category_and_no_other() {
        for category in Category::SHOPPER {
            let query = ProductQuery {
                category: Some(category),
                ..ProductQuery::default()
            };
            assert_matches_brute_force(&query);
            assert!(index().search(&query, Sort::Relevance, 0, 1).total > 20);
        }
    }

    #[test]
    fn a_metals_filter_keeps_products_in_any_of_the_given_metals() {
        let query = ProductQuery {
            metals: vec![Metal::RoseGold, Metal::Silver],
            ..ProductQuery::default()
        };
        assert_matches_brute_force(&query);
        let found = all(&query, Sort::Relevance);
        assert!(found.iter().any(|p| p.metal == Metal::RoseGold));
        assert!(found.iter().any(|p| p.metal == Metal::Silver));
    }

    #[test]
    fn price_bounds_include_products_priced_exactly_at_either_bound() {
        let mut prices: Vec<i64> = products().iter().map(|p| p.price.minor()).collect();
        prices.sort_unstable();
        let (low, high) = (prices[prices.len() / 4], prices[prices.len() / 2]);
        let query = ProductQuery {
            min_price: Some(Money::from_minor(low)),
            max_price: Some(Money::from_minor(high)),
            ..ProductQuery::default()
        };
        assert_matches_brute_force(&query);
        let found = all(&query, Sort::PriceAsc);
        assert_eq!(found.first().unwrap().price.minor(), low);
        assert_eq!(found.last().unwrap().price.minor(), high);
    }

    #[test]
    fn ready_to_ship_keeps_only_products_that_ship_now() {
        let query = ProductQuery {
            ready_to_ship: true,
            ..ProductQuery::default()
        };
        assert_matches_brute_force(&query);
        let found = all(&query, Sort::Relevance);
        assert!(found.iter().all(|p| p.ready_to_ship));
        assert!(found.len() < products().len());
    }

    #[test]
    fn a_styles_filter_keeps_products_with_any_of_the_given_styles() {
        let query = ProductQuery {
            styles: vec!["vintage".into(), "minimalist".into()],
            ..ProductQuery::default()
        };
        assert_matches_brute_force(&query);
    }

    #[test]
    fn a_style_the_catalog_does_not_have_matches_nothing() {
        let query = ProductQuery {
            styles: vec!["steampunk".into()],
            ..ProductQuery::default()
        };
        assert_eq!(index().search(&query, Sort::Relevance, 0, 10).total, 0);
    }

    #[test]
    fn combined_filters_return_exactly_the_brute_force_matches() {
        let queries = [
            ProductQuery {
                category: Some(Category::Rings),
                metals: vec![Metal::RoseGold],
                max_price: dollars(800),
                ..ProductQuery::default()
            },
            ProductQuery {
                category: Some(Category::Necklaces),
                metals: vec![Metal::RoseGold, Metal::YellowGold],
                min_price: dollars(500),
                max_price: dollars(1_000),
                ready_to_ship: true,
                ..ProductQuery::default()
            },
            ProductQuery {
                category: Some(Category::Earrings),
                styles: vec!["vintage".into()],
                min_price: dollars(1_000),
                ..ProductQuery::default()
            },
            ProductQuery {
                metals: vec![Metal::Platinum],
                category: Some(Category::Rings),
                max_price: dollars(300),
                ..ProductQuery::default()
            },
        ];
        for query in &queries {
            assert_matches_brute_force(query);
        }
    }

    #[test]
    fn price_sorts_are_ordered_and_break_ties_by_id() {
        let query = ProductQuery::default();
        let asc = all(&query, Sort::PriceAsc);
        assert!(
            asc.windows(2)
                .all(|w| (w[0].price.minor(), &w[0].id) < (w[1].price.minor(), &w[1].id))
        );
        let desc = all(&query, Sort::PriceDesc);
        assert!(
            desc.windows(2)
                .all(|w| w[0].price.minor() > w[1].price.minor()
                    || (w[0].price.minor() == w[1].price.minor() && w[0].id < w[1].id))
        );
        assert!(
            asc.windows(2)
                .any(|w| w[0].price.minor() == w[1].price.minor())
        );
    }

    #[test]
    fn price_sorts_with_text_are_ordered_too() {
        let query = ProductQuery {
            text: Some("diamond".into()),
            ..ProductQuery::default()
        };
        let asc = all(&query, Sort::PriceAsc);
        assert!(asc.len() > 20);
        assert!(
            asc.windows(2)
                .all(|w| w[0].price.minor() <= w[1].price.minor())
        );
        let desc = all(&query, Sort::PriceDesc);
        assert!(
            desc.windows(2)
                .all(|w| w[0].price.minor() >= w[1].price.minor())
        );
    }

    #[test]
    fn relevance_without_text_lists_ready_to_ship_first_then_the_cheapest() {
        let found = all(&ProductQuery::default(), Sort::Relevance);
        let key = |p: &Product| (!p.ready_to_ship, p.price.minor(), p.id.clone());
        assert!(found.windows(2).all(|w| key(&w[0]) < key(&w[1])));
    }

    #[test]
    fn pages_of_every_sort_cover_every_match_exactly_once() {
        let queries = [
            ProductQuery::default(),
            ProductQuery {
                category: Some(Category::Rings),
                ..ProductQuery::default()
            },
            ProductQuery {
                text: Some("gold chain".into()),
                ..ProductQuery::default()
            },
        ];
        for query in &queries {
            for sort in [Sort::Relevance, Sort::PriceAsc, Sort::PriceDesc] {
                let everything = all(query, sort);
                let mut paged = Vec::new();
                let mut offset = 0;
                loop {
                    let page = index().search(query, sort, offset, 7);
                    assert_eq!(page.total, everything.len());
                    if page.products.is_empty() {
                        break;
                    }
                    assert!(page.products.len() <= 7);
                    offset += page.products.len();
                    paged.extend(page.products.into_iter().cloned());
                }
                assert_eq!(ids(&paged), ids(&everything), "{query:?} {sort:?}");
            }
        }
    }

    #[test]
    fn an_offset_past_the_end_returns_no_products_but_the_total() {
        let found = index().search(&ProductQuery::default(), Sort::Relevance, 10_000, 10);
        assert!(found.products.is_empty());
        assert_eq!(found.total, products().len());
    }

    #[test]
    fn misspelled_category_words_still_find_that_category() {
        for (typo, category) in [
            ("neckalce", Category::Necklaces),
            ("braclet", Category::Bracelets),
            ("earings", Category::Earrings),
        ] {
            let query = ProductQuery {
                text: Some(typo.into()),
                ..ProductQuery::default()
            };
            let found = all(&query, Sort::Relevance);
            let in_category = products().iter().filter(|p| p.category == category).count();
            assert!(found.len() >= in_category, "{typo}: {}", found.len());
            assert!(
                found[..in_category].iter().all(|p| p.category == category),
                "{typo} ranks other categories first"
            );
        }
    }

    #[test]
    fn misspelled_stone_and_setting_names_still_find_products_with_them() {
        for (typo, word) in [
            ("saphire", "sapphire"),
            ("emrald", "emerald"),
            ("solitare", "solitaire"),
        ] {
            let query = ProductQuery {
                text: Some(typo.into()),
                ..ProductQuery::default()
            };
            let found = all(&query, Sort::Relevance);
            let expected = products().iter().filter(|p| mentions(p, word)).count();
            assert!(expected > 0);
            assert!(
                found[..expected].iter().all(|p| mentions(p, word)),
                "{typo}: {:?}",
                ids(&found[..expected])
            );
        }
    }

    #[test]
    fn products_with_the_word_in_their_title_rank_before_those_with_it_only_in_the_description() {
        let query = ProductQuery {
            text: Some("engagement".into()),
            ..ProductQuery::default()
        };
        let found = all(&query, Sort::Relevance);
        let in_title = |p: &Product| p.title.to_lowercase().contains("engagement");
        let titled = found.iter().filter(|p| in_title(p)).count();
        assert!(
            titled > 0 && titled < found.len(),
            "{titled} of {}",
            found.len()
        );
        assert!(found[..titled].iter().all(in_title));
    }

    #[test]
    fn an_exact_title_word_with_its_metal_ranks_that_product_first() {
        let query = ProductQuery {
            text: Some("platinum herringbone necklace".into()),
            ..ProductQuery::default()
        };
        let found = index().search(&query, Sort::Relevance, 0, 3);
        assert_eq!(
            found.products[0].title,
            "Platinum Herringbone Chain Necklace"
        );
    }

    #[test]
    fn every_word_of_a_short_query_must_match() {
        let query = ProductQuery {
            text: Some("sapphire bracelet".into()),
            ..ProductQuery::default()
        };
        let found = all(&query, Sort::Relevance);
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|p| p.category == Category::Bracelets && mentions(p, "sapphire"))
        );
    }

    #[test]
    fn text_and_filters_combine() {
        let query = ProductQuery {
            category: Some(Category::Rings),
            metals: vec![Metal::RoseGold],
            text: Some("diamond".into()),
            ..ProductQuery::default()
        };
        let found = all(&query, Sort::Relevance);
        assert!(!found.is_empty());
        assert!(found.iter().all(|p| passes(&query, p)));
        assert!(found.iter().all(|p| mentions(p, "diamond")));
    }

    #[test]
    fn blank_or_filler_only_text_is_no_text_at_all() {
        let plain = index().search(&ProductQuery::default(), Sort::Relevance, 0, 5);
        for text in ["", "   ", "for her", "?!"] {
            let query = ProductQuery {
                text: Some(text.into()),
                ..ProductQuery::default()
            };
            assert_eq!(
                index().search(&query, Sort::Relevance, 0, 5),
                plain,
                "{text:?}"
            );
        }
    }

    #[test]
    fn words_nothing_resembles_match_nothing() {
        let query = ProductQuery {
            text: Some("xylophone".into()),
            ..ProductQuery::default()
        };
        assert_eq!(index().search(&query, Sort::Relevance, 0, 5).total, 0);
    }

    fn platinum_rings_under(max_dollars: i64) -> ProductQuery {
        ProductQuery {
            category: Some(Category::Rings),
            metals: vec![Metal::Platinum],
            max_price: dollars(max_dollars),
            ..ProductQuery::default()
        }
    }

    #[test]
    fn platinum_rings_under_300_say_where_platinum_rings_start_and_offer_alternatives() {
        let query = platinum_rings_under(300);
        assert_eq!(index().search(&query, Sort::Relevance, 0, 5).total, 0);
        let alternatives = index().alternatives(&query, 4);

        let cheapest = products()
            .iter()
            .filter(|p| p.category == Category::Rings && p.metal == Metal::Platinum)
            .map(|p| p.price.minor())
            .min()
            .unwrap();
        assert_eq!(
            alternatives.price_hint,
            Some(PriceHint::StartsAt {
                price: Money::from_minor(cheapest)
            })
        );
        assert!(Some(Money::from_minor(cheapest)) > dollars(300));

        let relaxed: Vec<Relaxed> = alternatives.relaxations.iter().map(|r| r.relaxed).collect();
        assert!(relaxed.contains(&Relaxed::Price), "{relaxed:?}");
        let price = alternatives
            .relaxations
            .iter()
            .find(|r| r.relaxed == Relaxed::Price)
            .unwrap();
        // Nearest the budget first: the cheapest platinum ring leads.
        assert_eq!(price.sort, Sort::PriceAsc);
        assert_eq!(price.products[0].price.minor(), cheapest);
        assert!(price.products.len() <= 4);
    }

    #[test]
    fn swapping_the_metal_is_offered_before_widening_the_price_or_dropping_the_category() {
        let query = platinum_rings_under(300);
        let alternatives = index().alternatives(&query, 4);
        let first = &alternatives.relaxations[0];
        assert_eq!(first.relaxed, Relaxed::Metal);
        assert_eq!(first.query.metals, vec![similar_metal(Metal::Platinum)]);
        assert_eq!(first.query.max_price, dollars(300));
        assert!(first.products.iter().all(|p| p.metal == Metal::WhiteGold));
        let order: Vec<Relaxed> = alternatives.relaxations.iter().map(|r| r.relaxed).collect();
        let at = |r: Relaxed| order.iter().position(|&x| x == r);
        assert!(at(Relaxed::Price) < at(Relaxed::Category) || at(Relaxed::Category).is_none());
    }

    #[test]
    fn relaxations_only_hold_products_that_satisfy_their_own_query() {
        let queries = [
            platinum_rings_under(300),
            ProductQuery {
                category: Some(Category::Earrings),
                metals: vec![Metal::Silver],
                ready_to_ship: true,
                styles: vec!["vintage".into()],
                max_price: dollars(60),
                ..ProductQuery::default()
            },
            ProductQuery {
                category: Some(Category::Bracelets),
                text: Some("opal".into()),
                ..ProductQuery::default()
            },
        ];
        for query in &queries {
            assert_eq!(
                index().search(query, Sort::Relevance, 0, 1).total,
                0,
                "{query:?}"
            );
            let alternatives = index().alternatives(query, 5);
            assert!(!alternatives.relaxations.is_empty(), "{query:?}");
            for relaxation in &alternatives.relaxations {
                assert!(relaxation.total > 0);
                assert_ne!(&relaxation.query, query);
                assert!(relaxation.products.len() <= 5);
                let full = index().search(&relaxation.query, relaxation.sort, 0, 5);
                let full_products: Vec<Product> = full.products.into_iter().cloned().collect();
                assert_eq!(full_products, relaxation.products);
                assert_eq!(full.total, relaxation.total);
                assert!(
                    relaxation
                        .products
                        .iter()
                        .all(|p| passes(&relaxation.query, p)),
                    "{relaxation:?}"
                );
            }
        }
    }

    #[test]
    fn dropping_the_text_is_offered_when_the_words_are_what_matched_nothing() {
        let query = ProductQuery {
            category: Some(Category::Bracelets),
            text: Some("opal".into()),
            ..ProductQuery::default()
        };
        let alternatives = index().alternatives(&query, 3);
        let order: Vec<Relaxed> = alternatives.relaxations.iter().map(|r| r.relaxed).collect();
        assert_eq!(order, vec![Relaxed::Category, Relaxed::Text]);
        let category = &alternatives.relaxations[0];
        assert!(category.products.iter().all(|p| mentions(p, "opal")));
        assert_eq!(alternatives.price_hint, None);
    }

    #[test]
    fn a_floor_above_every_price_says_where_prices_top_out() {
        let query = ProductQuery {
            metals: vec![Metal::Silver],
            min_price: dollars(5_000),
            ..ProductQuery::default()
        };
        let dearest = products()
            .iter()
            .filter(|p| p.metal == Metal::Silver)
            .map(|p| p.price.minor())
            .max()
            .unwrap();
        assert!(Some(Money::from_minor(dearest)) < dollars(5_000));
        let alternatives = index().alternatives(&query, 3);
        assert_eq!(
            alternatives.price_hint,
            Some(PriceHint::TopsOutAt {
                price: Money::from_minor(dearest)
            })
        );
        let price = alternatives
            .relaxations
            .iter()
            .find(|r| r.relaxed == Relaxed::Price)
            .unwrap();
        assert_eq!(price.sort, Sort::PriceDesc);
        assert_eq!(price.products[0].price.minor(), dearest);
    }

    #[test]
    fn a_range_between_prices_gives_the_nearest_price_on_each_side() {
        let mut prices: Vec<i64> = products()
            .iter()
            .filter(|p| p.category == Category::Rings)
            .map(|p| p.price.minor())
            .collect();
        prices.sort_unstable();
        prices.dedup();
        let (below, above) = prices
            .windows(2)
            .map(|w| (w[0], w[1]))
            .find(|(a, b)| b - a > 2)
            .unwrap();
        let query = ProductQuery {
            category: Some(Category::Rings),
            min_price: Some(Money::from_minor(below + 1)),
            max_price: Some(Money::from_minor(above - 1)),
            ..ProductQuery::default()
        };
        assert_eq!(
            index().alternatives(&query, 3).price_hint,
            Some(PriceHint::Around {
                below: Money::from_minor(below),
                above: Money::from_minor(above)
            })
        );
    }

    #[test]
    fn a_query_with_matches_has_no_price_hint() {
        let query = ProductQuery {
            category: Some(Category::Rings),
            max_price: dollars(800),
            ..ProductQuery::default()
        };
        assert!(index().search(&query, Sort::Relevance, 0, 1).total > 0);
        assert_eq!(index().alternatives(&query, 3).price_hint, None);
    }

    /// The demo catalog plus products as an import of a real store makes them: variants in
    /// several metals and prices, finer types, stones, and one outside the four categories.
    fn with_variants() -> SearchIndex {
        let base = products()[0].clone();
        let ring = Product {
            id: "oval-halo-engagement-ring".into(),
            title: "Oval Halo Ring".into(),
            description: "An oval centre stone.".into(),
            category: Category::Rings,
            metal: Metal::WhiteGold,
            metals: vec![Metal::WhiteGold, Metal::RoseGold, Metal::Platinum],
            price: Money::from_minor(240_000),
            price_max: Some(Money::from_minor(315_000)),
            kind: Some("engagement ring".into()),
            stones: Stones {
                diamond: Some(DiamondOrigin::LabGrown),
                setting: Some("Halo".into()),
                ..Stones::default()
            },
            ..base.clone()
        };
        let studs = Product {
            id: "round-studs".into(),
            title: "Round Brilliant Studs".into(),
            description: "Two round stones.".into(),
            category: Category::Earrings,
            metal: Metal::YellowGold,
            price: Money::from_minor(89_000),
            kind: Some("studs".into()),
            stones: Stones {
                diamond: Some(DiamondOrigin::LabGrown),
                ..Stones::default()
            },
            ..base.clone()
        };
        let watch = Product {
            id: "dress-watch".into(),
            title: "Dress Watch".into(),
            description: "A slim dress watch.".into(),
            category: Category::Other,
            kind: Some("watch".into()),
            ..base
        };
        let mut all = products().to_vec();
        all.extend([ring, studs, watch]);
        SearchIndex::build(Arc::new(Catalog::new(9, all))).unwrap()
    }

    #[test]
    fn a_type_narrows_its_category_in_any_case_and_an_unknown_type_matches_nothing() {
        for kind in ["hoops", "studs", "engagement ring", "pendant", "bangle"] {
            let query = ProductQuery {
                kind: Some(kind.to_uppercase()),
                ..ProductQuery::default()
            };
            let found = index().search(&query, Sort::Relevance, 0, usize::MAX);
            let expected = products().iter().filter(|p| passes(&query, p)).count();
            assert!(expected > 0, "the demo has {kind}");
            assert_eq!(found.total, expected, "{kind}");
            assert!(
                found
                    .products
                    .iter()
                    .all(|p| p.kind.as_deref() == Some(kind)),
                "{kind}"
            );
        }
        let tiaras = ProductQuery {
            category: Some(Category::Earrings),
            kind: Some("tiaras".into()),
            ..ProductQuery::default()
        };
        assert_eq!(index().search(&tiaras, Sort::Relevance, 0, 10).total, 0);
        // The nearest thing: the category without the type, before any category at all.
        let relaxations = index().alternatives(&tiaras, 3).relaxations;
        assert_eq!(relaxations[0].relaxed, Relaxed::Kind, "{relaxations:?}");
        assert_eq!(relaxations[0].query.category, Some(Category::Earrings));
        assert_eq!(relaxations[0].query.kind, None);
        assert_eq!(
            describe(
                &ProductQuery {
                    kind: Some("engagement ring".into()),
                    metals: vec![Metal::Platinum],
                    ..ProductQuery::default()
                },
                Currency::USD
            ),
            "platinum engagement rings"
        );
    }

    #[test]
    fn newest_comes_first_on_every_page_and_undated_products_last() {
        let mut all = products().to_vec();
        let mut undated = all[0].clone();
        undated.id = "an-undated-ring".into();
        undated.added_at = None;
        all.push(undated);
        let index = SearchIndex::build(Arc::new(Catalog::new(2, all))).unwrap();
        for query in [
            ProductQuery::default(),
            ProductQuery {
                category: Some(Category::Rings),
                ..ProductQuery::default()
            },
            ProductQuery {
                text: Some("diamond".into()),
                ..ProductQuery::default()
            },
        ] {
            let mut dates = Vec::new();
            let mut offset = 0;
            loop {
                let page = index.search(&query, Sort::Newest, offset, 7);
                if page.products.is_empty() {
                    break;
                }
                offset += page.products.len();
                dates.extend(page.products.iter().map(|p| p.added_at));
            }
            assert!(dates.len() > 7, "{query:?}");
            // `None` orders below every date: newest first means undated last.
            assert!(
                dates.windows(2).all(|d| d[0] >= d[1]),
                "{query:?}: {dates:?}"
            );
            assert!(dates[0] > dates[dates.len() - 1], "{query:?}");
        }
        let everything = index.search(&ProductQuery::default(), Sort::Newest, 0, usize::MAX);
        assert_eq!(everything.products.last().unwrap().id, "an-undated-ring");
    }

    fn found_ids(index: &SearchIndex, query: &ProductQuery) -> Vec<String> {
        let found = index.search(query, Sort::Relevance, 0, usize::MAX);
        found.products.iter().map(|p| p.id.clone()).collect()
    }

    #[test]
    fn a_product_in_several_metals_matches_each_and_its_price_range_meets_the_asked_range() {
        let index = with_variants();
        let ring = |query: ProductQuery| {
            let query = ProductQuery {
                text: Some("oval halo".into()),
                ..query
            };
            found_ids(&index, &query).contains(&"oval-halo-engagement-ring".to_string())
        };
        for metal in [Metal::WhiteGold, Metal::RoseGold, Metal::Platinum] {
            assert!(
                ring(ProductQuery {
                    metals: vec![metal],
                    ..ProductQuery::default()
                }),
                "{metal}"
            );
        }
        assert!(!ring(ProductQuery {
            metals: vec![Metal::Silver],
            ..ProductQuery::default()
        }));
        let priced = |min: Option<i64>, max: Option<i64>| {
            ring(ProductQuery {
                min_price: min.and_then(dollars),
                max_price: max.and_then(dollars),
                ..ProductQuery::default()
            })
        };
        assert!(priced(None, Some(2_500)), "from $2,400 meets under $2,500");
        assert!(priced(Some(3_000), None), "up to $3,150 meets over $3,000");
        assert!(priced(Some(2_500), Some(2_600)), "inside the range");
        assert!(!priced(None, Some(2_300)));
        assert!(!priced(Some(3_200), None));
    }

    #[test]
    fn stones_and_finer_types_are_searchable_and_other_is_a_category_of_its_own() {
        let index = with_variants();
        let text = |text: &str| ProductQuery {
            text: Some(text.into()),
            ..ProductQuery::default()
        };
        assert_eq!(
            found_ids(&index, &text("lab grown diamond studs"))[0],
            "round-studs"
        );
        // "engagement" is only in its finer type: every word of a short query must match.
        assert!(
            found_ids(&index, &text("halo engagement ring"))
                .contains(&"oval-halo-engagement-ring".to_string())
        );
        let other = ProductQuery {
            category: Some(Category::Other),
            ..ProductQuery::default()
        };
        assert_eq!(found_ids(&index, &other), ["dress-watch"]);
        // A conversation's queries leave `other` out unless they ask for it; the API's count it.
        assert_eq!(found_ids(&index, &text("watch")), Vec::<String>::new());
        let catalog = ProductQuery {
            include_other: true,
            ..text("watch")
        };
        assert_eq!(found_ids(&index, &catalog), ["dress-watch"]);
    }

    fn tourmaline_ring() -> Product {
        let mut product = products()[0].clone();
        product.id = "aurora-watermelon-tourmaline-ring".into();
        product.title = "Watermelon Tourmaline Ring".into();
        product.description = "A pink and green tourmaline slice on a slim band.".into();
        product
    }

    #[test]
    fn a_new_snapshot_with_an_added_product_finds_it() {
        let query = ProductQuery {
            text: Some("tourmalin".into()),
            ..ProductQuery::default()
        };
        assert_eq!(index().search(&query, Sort::Relevance, 0, 5).total, 0);

        let mut next = products().to_vec();
        next.push(tourmaline_ring());
        let rebuilt = SearchIndex::build(Arc::new(Catalog::new(2, next))).unwrap();
        assert_eq!(rebuilt.catalog_version(), 2);
        let found = rebuilt.search(&query, Sort::Relevance, 0, 5);
        assert_eq!(found.total, 1);
        assert_eq!(found.products[0].id, "aurora-watermelon-tourmaline-ring");
        let unfiltered = ProductQuery::default();
        assert_eq!(
            rebuilt.search(&unfiltered, Sort::Relevance, 0, 0).total,
            products().len() + 1
        );
    }

    #[test]
    fn a_new_snapshot_with_an_updated_product_finds_it_by_its_new_words_only() {
        let mut next = products().to_vec();
        let old_title = next[0].title.clone();
        next[0] = Product {
            id: next[0].id.clone(),
            ..tourmaline_ring()
        };
        let rebuilt = SearchIndex::build(Arc::new(Catalog::new(3, next))).unwrap();
        let by_text = |text: &str| {
            let query = ProductQuery {
                text: Some(text.into()),
                ..ProductQuery::default()
            };
            rebuilt.search(&query, Sort::Relevance, 0, usize::MAX)
        };
        assert_eq!(by_text("tourmaline").total, 1);
        let old = by_text(&old_title);
        assert!(old.products.iter().all(|p| p.id != products()[0].id));
    }

    #[test]
    fn an_empty_catalog_builds_and_finds_nothing() {
        let empty = SearchIndex::build(Arc::new(Catalog::new(0, Vec::new()))).unwrap();
        let query = ProductQuery {
            text: Some("ring".into()),
            ..ProductQuery::default()
        };
        assert_eq!(empty.search(&query, Sort::Relevance, 0, 5).total, 0);
        assert_eq!(
            empty
                .search(&ProductQuery::default(), Sort::PriceAsc, 0, 5)
                .total,
            0
        );
        assert!(empty.alternatives(&query, 5).relaxations.is_empty());
    }

    #[test]
    fn the_index_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SearchIndex>();
    }

    #[test]
    fn describe_names_metal_category_and_price_like_a_shopper_would() {
        assert_eq!(
            describe(&platinum_rings_under(300), Currency::USD),
            "platinum rings under $300"
        );
        let necklaces = ProductQuery {
            category: Some(Category::Necklaces),
            metals: vec![Metal::RoseGold],
            ready_to_ship: true,
            min_price: dollars(500),
            max_price: dollars(1_000),
            ..ProductQuery::default()
        };
        assert_eq!(
            describe(&necklaces, Currency::USD),
            "ready-to-ship rose gold necklaces between $500 and $1,000"
        );
        let earrings = ProductQuery {
            category: Some(Category::Earrings),
            styles: vec!["vintage".into()],
            text: Some(" halo ".into()),
            ..ProductQuery::default()
        };
        assert_eq!(
            describe(&earrings, Currency::USD),
            "vintage earrings matching “halo”"
        );
    }

    #[test]
    fn describe_joins_several_choices_with_or_and_falls_back_to_jewelry() {
        assert_eq!(describe(&ProductQuery::default(), Currency::USD), "jewelry");
        let query = ProductQuery {
            metals: vec![Metal::YellowGold, Metal::RoseGold, Metal::Silver],
            styles: vec!["bold".into(), "modern".into()],
            min_price: Some(Money::from_minor(99_950)),
            ..ProductQuery::default()
        };
        assert_eq!(
            describe(&query, Currency::USD),
            "bold or modern yellow gold, rose gold or silver jewelry from $999.50"
        );
    }

    /// Not run in CI: `cargo test --release -p aurora-core --test search -- --ignored --nocapture`.
    #[test]
    #[ignore = "micro-benchmark; run by hand in release mode"]
    fn benchmark_searches_on_ten_thousand_products() {
        let demo = aurora_core::demo::products();
        let mut big = Vec::with_capacity(10_000);
        for copy in 0.. {
            for p in &demo {
                if big.len() == 10_000 {
                    break;
                }
                let mut p = p.clone();
                p.id = format!("{}-{copy}", p.id);
                p.price = Money::from_minor(p.price.minor() + copy * 100);
                big.push(p);
            }
            if big.len() == 10_000 {
                break;
            }
        }
        let started = Instant::now();
        let index = SearchIndex::build(Arc::new(Catalog::new(1, big))).unwrap();
        println!("build, 10,000 products: {:?}", started.elapsed());

        let cases = [
            (
                "platinum rings under $800",
                platinum_rings_under(800),
                Sort::Relevance,
            ),
            (
                "necklaces, ready to ship, price asc",
                ProductQuery {
                    category: Some(Category::Necklaces),
                    ready_to_ship: true,
                    ..ProductQuery::default()
                },
                Sort::PriceAsc,
            ),
            (
                "platinum rings under $300 (none)",
                platinum_rings_under(300),
                Sort::Relevance,
            ),
            (
                "text \"sapphire\"",
                ProductQuery {
                    text: Some("sapphire".into()),
                    ..ProductQuery::default()
                },
                Sort::Relevance,
            ),
            (
                "text \"neckalce\" (typo)",
                ProductQuery {
                    text: Some("neckalce".into()),
                    ..ProductQuery::default()
                },
                Sort::Relevance,
            ),
            (
                "text \"diamond halo\" + rings under $3,000",
                ProductQuery {
                    category: Some(Category::Rings),
                    max_price: dollars(3_000),
                    text: Some("diamond halo".into()),
                    ..ProductQuery::default()
                },
                Sort::Relevance,
            ),
        ];
        const RUNS: u32 = 10_000;
        for (name, query, sort) in &cases {
            let started = Instant::now();
            let mut total = 0;
            for _ in 0..RUNS {
                total += index.search(query, *sort, 0, 24).total;
            }
            let elapsed = started.elapsed();
            println!(
                "{name}: {} matches, {:.1} µs/search, {:.0} searches/s",
                total / RUNS as usize,
                elapsed.as_secs_f64() * 1e6 / f64::from(RUNS),
                f64::from(RUNS) / elapsed.as_secs_f64()
            );
        }
        let started = Instant::now();
        for _ in 0..1_000 {
            index.alternatives(&platinum_rings_under(300), 4);
        }
        println!(
            "alternatives for platinum rings under $300: {:.1} µs",
            started.elapsed().as_secs_f64() * 1e6 / 1_000.0
        );
    }
}
