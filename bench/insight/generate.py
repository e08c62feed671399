#!/usr/bin/env python3
"""Fills a migrated SQLite database with a busy jewelry store's year of concierge data, for the
conversation-insight benchmarks (conversation search, transcripts, CSAT, analytics).

    AURORA_DATABASE_URL=sqlite:/tmp/insight-bench.db target/release/aurora migrate
    python3 bench/insight/generate.py /tmp/insight-bench.db                  # 1,000,000
    python3 bench/insight/generate.py /tmp/small.db --conversations 20000

What it writes (Python 3 standard library only; deterministic for a seed and --now):

- conversations over the last 365 days (a store's seasons: Valentine's, Mother's Day, Black
  Friday to Christmas; evenings in US Eastern time; growth over the year), each with the
  concierge's welcome and 1-4 exchanges: typed messages with their intent and `understood`
  JSON, a few quick-reply buttons, order look-ups, abandoned forms, and for ~10% a return,
  resize or stylist request (the form's "[... request]" message and the confirmation). The
  replies carry the blocks the concierge stores (product cards, forms, order timelines). About
  6% of typed messages are not understood, a few are marked misunderstood. All but the last
  ~50 conversations have ended (idle 30 minutes, or the shopper's "End chat").
- a ticket for each handed-off conversation (RT-/ST- references, details, transcript, filters,
  products shown, workflow status by age, a few staff assignees and tags, the inbox's search).
- ratings for ~8% of conversations (after a ticket, or when the shopper ended a conversation of
  two or more replies), skewed high, ~40% with a comment.
- metric_minutes for instance `bench`, every minute of the last 30 days: the conversation series
  counted from the conversations written above (so the analytics agree with the list), and
  widget loads, opens, closes, product details and shortlists drawn around them. metric_days
  stays empty (the app rolls closed days up itself).

The formats are those the app writes (sqlx's RFC 3339 text with `+00:00`, serde's `Z` inside
JSON, 0/1 booleans); the FTS5 triggers of migration 0007 index every shopper message as it is
inserted, as in production.
"""

import argparse
import bisect
import gc
import json
import math
import multiprocessing
import os
import pickle
import random
import sqlite3
import sys
import time

NS = 1_000_000_000
MINUTE_NS = 60 * NS
HOUR_NS = 3600 * NS
DAY_NS = 86400 * NS
IDLE_NS = 30 * MINUTE_NS  # aurora_core::conversations::IDLE_TIMEOUT
STORE_UTC_OFFSET_HOURS = -5  # the store's evenings, in US Eastern (standard) time
OPEN_AT_END = 50  # the newest conversations are still open


def dumps(value, sort_keys=False):
    """JSON as serde_json writes it: compact, UTF-8 (no \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


def js(text):
    """A JSON string (or null), fast for the plain text most of ours is."""
    if text is None:
        return "null"
    if '"' in text or "\\" in text or not text.isprintable():
        return dumps(text)
    return '"' + text + '"'


# --- timestamps ------------------------------------------------------------------------------

_minute_prefix = {}


def ts(ns, zulu=False):
    """`ns` (nanoseconds since the epoch) as chrono's RFC 3339 with `SecondsFormat::AutoSi`:
    sqlx writes `+00:00` to SQLite, serde writes `Z` inside JSON."""
    seconds, frac = divmod(ns, NS)
    minute, sec = divmod(seconds, 60)
    prefix = _minute_prefix.get(minute)
    if prefix is None:
        prefix = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(minute * 60))
        _minute_prefix[minute] = prefix
    if frac == 0:
        fraction = ""
    elif frac % 1_000_000 == 0:
        fraction = ".%03d" % (frac // 1_000_000)
    elif frac % 1000 == 0:
        fraction = ".%06d" % (frac // 1000)
    else:
        fraction = ".%09d" % frac
    return "%s%02d%s%s" % (prefix, sec, fraction, "Z" if zulu else "+00:00")


# --- weighted choices ------------------------------------------------------------------------


class Table:
    """Values with weights, drawn with one random number."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = []
        total = 0.0
        for _, w in pairs:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, rng):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --- the catalog the replies show ------------------------------------------------------------

CATEGORIES = ["rings", "necklaces", "earrings", "bracelets"]
CATEGORY_LABEL = {"rings": "Rings", "necklaces": "Necklaces", "earrings": "Earrings",
                  "bracelets": "Bracelets"}
METALS = ["yellow_gold", "white_gold", "rose_gold", "platinum", "silver"]
METAL_LABEL = {"yellow_gold": "Yellow gold", "white_gold": "White gold", "rose_gold": "Rose gold",
               "platinum": "Platinum", "silver": "Silver"}
METAL_TITLE = {"yellow_gold": ["14k Yellow Gold", "18k Yellow Gold"],
               "white_gold": ["14k White Gold", "18k White Gold"],
               "rose_gold": ["14k Rose Gold", "18k Rose Gold"],
               "platinum": ["Platinum"], "silver": ["Sterling Silver"]}
METAL_PRICE = {"yellow_gold": 1.0, "white_gold": 1.05, "rose_gold": 1.0, "platinum": 1.6,
               "silver": 0.16}
# (title, price in dollars for 14k gold, what the image shows)
DESIGNS = {
    "rings": [
        ("Solitaire Engagement Ring", 2400, "ring with a round diamond in a six-prong setting"),
        ("Diamond Halo Engagement Ring", 3200, "ring with a round diamond framed by a halo"),
        ("Sapphire Halo Ring", 1850, "ring with an oval blue sapphire in a diamond halo"),
        ("Emerald-Cut Diamond Ring", 4200, "ring with a step-cut emerald-shaped diamond"),
        ("Three-Stone Oval Diamond Ring", 5100, "ring with three oval diamonds side by side"),
        ("Diamond Eternity Band", 2900, "eternity band set all the way round with diamonds"),
        ("Hammered Wedding Band", 449, "wedding band with a hand-hammered faceted surface"),
        ("Classic Comfort-Fit Wedding Band", 500, "plain polished band with a rounded profile"),
        ("Signet Ring", 900, "oval signet ring with a smooth polished face"),
        ("Stackable Beaded Ring", 300, "thin stacking ring made of tiny polished beads"),
        ("Pear-Shaped Morganite Ring", 1350, "ring with a peach-pink pear-shaped morganite"),
        ("Oval Ruby Ring", 1650, "ring with an oval ruby between two small diamonds"),
        ("Pearl Cocktail Ring", 750, "ring with a single white freshwater pearl"),
        ("Opal Stacking Ring", 420, "slim stacking ring with a round opal"),
        ("Marquise Leaf Ring", 800, "ring of small marquise diamonds arranged like leaves"),
        ("Aquamarine Solitaire Ring", 1200, "ring with an emerald-cut aquamarine"),
        ("Moissanite Solitaire Ring", 990, "ring with a round moissanite in a cathedral setting"),
        ("Custom Birthstone Stacking Ring", 450, "slim stacking ring set with a birthstone"),
    ],
    "necklaces": [
        ("Diamond Solitaire Pendant Necklace", 1200, "necklace with a single diamond pendant"),
        ("Sapphire Halo Pendant Necklace", 1950, "pendant with an oval sapphire in a halo"),
        ("Emerald Drop Pendant Necklace", 2350, "pendant with a pear-shaped emerald drop"),
        ("Freshwater Pearl Pendant Necklace", 400, "necklace with one freshwater pearl"),
        ("Diamond Tennis Necklace", 6500, "tennis necklace of round diamonds"),
        ("Paperclip Chain Necklace", 650, "chain necklace of elongated paperclip links"),
        ("Snake Chain Necklace", 799, "smooth snake chain necklace"),
        ("Satellite Chain Necklace", 560, "fine chain necklace dotted with tiny beads"),
        ("Heart Locket Necklace", 690, "engraved heart-shaped locket necklace"),
        ("Initial Bar Necklace", 380, "slim bar necklace engraved with an initial"),
        ("Herringbone Chain Necklace", 1150, "flat herringbone chain necklace"),
        ("Opal Lariat Necklace", 720, "lariat necklace ending in a round opal"),
        ("Ruby Heart Pendant Necklace", 1450, "pendant with a heart-shaped ruby"),
        ("Custom Birthstone Pendant", 420, "pendant with a round birthstone in a bezel"),
        ("Evil Eye Pendant Necklace", 480, "evil eye pendant with blue enamel and a diamond"),
        ("Cross Pendant Necklace", 520, "small polished cross pendant"),
    ],
    "earrings": [
        ("Diamond Stud Earrings", 900, "pair of round diamond studs in four-prong settings"),
        ("Sapphire Halo Stud Earrings", 1650, "pair of studs with sapphires in diamond halos"),
        ("Small Hoop Earrings", 320, "pair of small polished hoop earrings"),
        ("Huggie Hoop Earrings", 450, "pair of huggie hoops set with tiny diamonds"),
        ("Pearl Drop Earrings", 380, "pair of earrings with pearls hanging from fine hooks"),
        ("Emerald Drop Earrings", 1900, "pair of drop earrings with pear-shaped emeralds"),
        ("Diamond Dangle Earrings", 2100, "pair of dangle earrings with diamond drops"),
        ("Custom Birthstone Stud Earrings", 450, "pair of bezel studs with birthstones"),
        ("Opal Stud Earrings", 390, "pair of round opal studs"),
        ("Ruby Stud Earrings", 1250, "pair of round ruby studs"),
        ("Ear Cuff", 260, "single polished ear cuff"),
        ("Chandelier Earrings", 1400, "pair of chandelier earrings with tiered diamonds"),
        ("Aquamarine Drop Earrings", 980, "pair of drop earrings with oval aquamarines"),
        ("Moissanite Stud Earrings", 690, "pair of round moissanite studs"),
    ],
    "bracelets": [
        ("Diamond Tennis Bracelet", 4200, "line bracelet of round diamonds"),
        ("Sapphire Line Bracelet", 3100, "line bracelet alternating sapphires and diamonds"),
        ("Rope Chain Bracelet", 700, "twisted rope chain bracelet"),
        ("Paperclip Chain Bracelet", 520, "bracelet of elongated paperclip links"),
        ("Polished Bangle", 640, "smooth polished bangle"),
        ("Open Cuff Bracelet", 580, "open cuff bracelet with a brushed finish"),
        ("Charm Bracelet", 620, "chain bracelet with three small charms"),
        ("Nightfall Constellation Bracelet", 549, "fine chain with tiny diamonds like stars"),
        ("Pearl Station Bracelet", 450, "fine chain with freshwater pearl stations"),
        ("Evil Eye Bracelet", 390, "fine chain bracelet with an enamel evil eye"),
        ("Emerald Bangle", 1800, "slim bangle set with small emeralds"),
        ("Initial Bar Bracelet", 340, "slim bar bracelet engraved with an initial"),
        ("Anklet Chain", 290, "fine anklet chain"),
        ("Ruby Tennis Bracelet", 3600, "line bracelet of round rubies"),
    ],
}


def slug(text):
    out = []
    for ch in text.lower():
        out.append(ch if ch.isalnum() else "-")
    s = "".join(out)
    while "--" in s:
        s = s.replace("--", "-")
    return s.strip("-")


def stem(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def money(dollars):
    return "${:,}".format(dollars)


class Product:
    __slots__ = ("id", "title", "price", "category", "metal", "ready", "words", "card", "line")


def build_catalog(rng):
    products = []
    for category in CATEGORIES:
        for metal in METALS:
            for title, base, alt in DESIGNS[category]:
                p = Product()
                p.title = "%s %s" % (rng.choice(METAL_TITLE[metal]), title)
                p.id = slug(p.title)
                p.category = category
                p.metal = metal
                price = base * METAL_PRICE[metal] * (0.9 + 0.2 * rng.random())
                if p.title.startswith("18k"):
                    price *= 1.35
                # Prices end like a store's: …00, …49, …50 or …99.
                p.price = max(49, int(price) // 50 * 50 + rng.choice([0, 0, 49, 49, -1]))
                p.ready = rng.random() < 0.4
                p.words = set(stem(w) for w in title.lower().replace("-", " ").split())
                label = METAL_LABEL[metal]
                if alt.startswith("pair of "):
                    image_alt = "Pair of %s %s" % (label.lower(), alt[len("pair of "):])
                else:
                    image_alt = "%s %s" % (label, alt)
                p.card = dumps({
                    "id": p.id, "title": p.title, "price": float(p.price),
                    "price_formatted": money(p.price), "metal": metal, "metal_label": label,
                    "category": category,
                    "image_url": "https://cdn.gildedgrove.example/products/%s.jpg" % p.id,
                    "image_alt": image_alt, "ready_to_ship": p.ready,
                    "url": "/products/%s" % p.id, "price_max": None, "metals": [metal],
                })
                p.line = "%s (%s)" % (p.title, money(p.price))
                products.append(p)
    products.sort(key=lambda p: (p.price, p.id))
    return products


# --- what shoppers type ----------------------------------------------------------------------

# Category phrases: (text, category, plural noun for replies)
CATEGORY_PHRASES = Table([  # (text, category, what the NLU leaves in its query, ambiguous)
    (("rings", "rings", None, False), 10), (("ring", "rings", None, False), 8),
    (("engagement ring", "rings", "engagement ring", False), 7),
    (("engagement rings", "rings", "engagement rings", False), 3),
    (("wedding band", "rings", "wedding band", False), 4),
    (("wedding bands", "rings", "wedding bands", False), 2),
    (("promise ring", "rings", "promise ring", False), 1.5),
    (("stacking rings", "rings", "stacking", False), 1.5),
    (("eternity band", "rings", None, False), 1.2), (("signet ring", "rings", None, False), 0.8),
    (("necklace", "necklaces", None, False), 12), (("necklaces", "necklaces", None, False), 4),
    (("pendant", "necklaces", None, False), 4), (("chain", "necklaces", None, True), 2.5),
    (("locket", "necklaces", None, False), 1), (("choker", "necklaces", None, False), 0.8),
    (("tennis necklace", "necklaces", None, False), 0.8),
    (("lariat", "necklaces", None, False), 0.3),
    (("earrings", "earrings", None, False), 14), (("studs", "earrings", None, True), 4),
    (("hoops", "earrings", None, True), 4), (("huggies", "earrings", None, False), 1.5),
    (("stud earrings", "earrings", None, False), 2),
    (("drop earrings", "earrings", None, False), 1.5),
    (("dangle earrings", "earrings", None, False), 1),
    (("ear cuffs", "earrings", None, False), 0.4),
    (("bracelet", "bracelets", None, False), 11), (("bracelets", "bracelets", None, False), 3),
    (("tennis bracelet", "bracelets", None, False), 3), (("bangle", "bracelets", None, False), 2),
    (("charm bracelet", "bracelets", None, False), 1.2),
    (("anklet", "bracelets", None, False), 0.8),
])
METAL_PHRASES = Table([
    (("gold", ("yellow_gold",)), 8), (("yellow gold", ("yellow_gold",)), 11),
    (("white gold", ("white_gold",)), 18), (("rose gold", ("rose_gold",)), 15),
    (("platinum", ("platinum",)), 13), (("silver", ("silver",)), 9),
    (("sterling silver", ("silver",)), 5), (("two tone", ("yellow_gold", "white_gold")), 1),
])
# Stones and designs: the words the concierge searches the catalog with (the NLU's `query`).
# Some are not in the catalog: those searches come back empty.
KNOWN_GEMS = {"diamond", "sapphire", "emerald", "pearl", "ruby", "moissanite", "opal"}
NOT_IN_CATALOG = Table([
    ("amethyst", 3), ("garnet", 2), ("peridot", 1.5), ("citrine", 1.5), ("topaz", 2),
    ("turquoise", 2), ("onyx", 1.5), ("jade", 1), ("tourmaline", 1), ("spinel", 0.5),
    ("black diamond", 2), ("mens", 2), ("lapis", 0.5), ("zircon", 0.4), ("tanzanite", 0.25),
    ("alexandrite", 0.2), ("rose quartz", 0.6), ("cubic zirconia", 1), ("titanium", 0.8),
    ("tungsten", 0.8),
])
QUERY_WORDS = Table([(w if isinstance(w, tuple) else (w, w), n) for w, n in [
    ("diamond", 32), ("sapphire", 11), ("emerald", 7), ("pearl", 9), ("ruby", 5),
    ("moissanite", 4), ("opal", 4), ("aquamarine", 3), ("morganite", 2.5),
    ("lab grown diamond", 3.5), ("birthstone", 3), ("halo", 3),
    ("sapphire halo", 1.5), ("evil eye", 1.2), ("initial", 1.5), ("heart", 1.5),
    ("paperclip", 1), ("herringbone", 0.6), ("cross", 0.8), ("infinity", 0.8),
    ("amethyst", 1.2), ("garnet", 0.9), ("peridot", 0.6), ("citrine", 0.6), ("topaz", 1),
    ("turquoise", 0.8), ("onyx", 0.7), ("jade", 0.4), ("tourmaline", 0.4), ("spinel", 0.25),
    ("black diamond", 0.8), (("salt and pepper diamond", "salt pepper diamond"), 0.25),
    ("tanzanite", 0.18), ("alexandrite", 0.1), ("kunzite", 0.05),
]])
STYLE_PHRASES = Table([
    (("vintage", "vintage"), 8), (("classic", "classic"), 6), (("modern", "modern"), 5),
    (("minimalist", "minimalist"), 4), (("simple", "minimalist"), 4),
    (("dainty", "dainty"), 6), (("delicate", "dainty"), 2), (("bold", "statement"), 2),
    (("statement", "statement"), 2), (("chunky", "statement"), 2),
    (("art deco", "art_deco"), 2), (("boho", "boho"), 1.5), (("elegant", "elegant"), 2),
    (("everyday", "everyday"), 2), (("timeless", "classic"), 1), (("antique", "vintage"), 1),
    (("geometric", "geometric"), 0.8), (("edgy", "edgy"), 0.6), (("romantic", "romantic"), 0.8),
])
# (template, min, max): {a} and {b} are amounts.
BUDGETS = Table([
    (("under ${a}", None, "a"), 10), (("under {a}", None, "a"), 6),
    (("below ${a}", None, "a"), 2), (("less than ${a}", None, "a"), 3),
    (("around ${a}", None, "a"), 1.5), (("between ${a} and ${b}", "a", "b"), 3),
    (("between {a} and {b}", "a", "b"), 1.5), (("${a}-${b}", "a", "b"), 1.5),
    (("over ${a}", "a", None), 1.2),
])
BUDGET_AMOUNTS = Table([
    (100, 3), (150, 2), (200, 6), (250, 4), (300, 7), (400, 4), (500, 9), (600, 3),
    (750, 3), (800, 4), (1000, 8), (1200, 2), (1500, 5), (2000, 5), (2500, 2), (3000, 3),
    (5000, 2), (10000, 0.5),
])
OPENERS = Table([
    ("", 40), ("looking for ", 9), ("i'm looking for ", 5), ("im looking for ", 4),
    ("do you have ", 7), ("show me ", 6), ("i want ", 3), ("i need ", 3),
    ("can you show me ", 2), ("any ", 2), ("searching for ", 1), ("need ", 2),
    ("hi, ", 2), ("hello! i'm looking for ", 1.5), ("hey do you have ", 1),
    ("what ", 0.8), ("recommend ", 0.8), ("id like ", 1), ("i would like to see ", 1),
    ("shopping for ", 1.5),
])
SUFFIXES = Table([(v if isinstance(v, tuple) else (v, None, None, False), n) for v, n in [
    # (text, what the NLU leaves in its query, a style, ready to ship)
    ("", 62), ((" for my wife", "wife", None, False), 3),
    ((" for my girlfriend", "girlfriend", None, False), 2), ((" for my mom", "mom", None, False), 2),
    ((" for mom", "mom", None, False), 1.5), ((" for my anniversary", "anniversary", None, False), 2),
    ((" as a gift", "gift", None, False), 2), ((" for christmas", "christmas", None, False), 1.5),
    ((" for valentines day", "valentines day", None, False), 1),
    ((" for a wedding", "wedding", None, False), 1), ((" for my daughter", "daughter", None, False), 1),
    ((" for my sister", "sister", None, False), 0.8), ((" for my fiance", "fiance", None, False), 1),
    ((" for everyday", None, "everyday", False), 1), (" please", 2.5), ("?", 4), ("!", 1),
    (" size 7", 1.2), (" in size 6", 0.8), (" in size 6.5", 0.6),
    ((" that wont tarnish", "wont tarnish", None, False), 0.6),
    ((" for sensitive ears", "sensitive ears", None, False), 0.5), ((" asap", None, None, True), 0.4),
    (" pls", 0.6), ((" for my husband", "husband", None, False), 0.6),
    ((" for graduation", "graduation", None, False), 0.5),
    ((" for mothers day", "mothers day", None, False), 0.6),
]])
TYPOS = [("necklace", "neckalce"), ("necklace", "necklase"), ("necklace", "neckless"),
         ("earrings", "earings"), ("bracelet", "braclet"), ("bracelet", "bracelett"),
         ("ring", "rign"), ("rings", "rigns"), ("platinum", "platnum"), ("silver", "sliver"),
         ("sapphire", "saphire"), ("diamond", "diamon"), ("emerald", "emrald"),
         ("pendant", "pendent"), ("jewelry", "jewlery"), ("please", "pls"),
         ("looking", "lookin"), ("gold", "goold")]

TRACK_TEXTS = Table([
    ("where is my order", 10), ("where is my order {o}", 6), ("wheres my order", 3),
    ("track my order", 5), ("track my order {o}", 3), ("order status", 4),
    ("order status {o}", 2), ("has my order shipped", 3), ("has my order shipped yet?", 1),
    ("when will my order arrive", 4), ("when will my package arrive", 2),
    ("where is my package", 3), ("tracking number for {o}", 1.5), ("track {o}", 1.5),
    ("my order hasnt arrived yet", 2), ("did my package ship", 1.5), ("order {o}", 1.5),
    ("#{o}", 0.8), ("can you check on order {o}", 1), ("i ordered a necklace last week, when will it come", 1),
    ("where is my ring", 0.8), ("is my order on the way", 1), ("delivery status {o}", 0.8),
    ("hi, where is my order {o}?", 1), ("my package is late", 1),
])
RETURNS_TEXTS = Table([
    ("i want to return my ring", 5), ("how do i return an item", 4), ("return policy", 3),
    ("whats your return policy", 2), ("i need a refund", 3), ("can i exchange my bracelet", 2),
    ("the ring is too big", 2), ("the ring is too small", 2), ("can i resize my ring", 4),
    ("resize my ring to a 7", 1.5), ("i need to resize my ring", 2),
    ("my earrings arrived damaged", 1.5), ("start a return for {o}", 2),
    ("return order {o}", 2), ("i want to return the necklace from order {o}", 1),
    ("refund for {o}", 1), ("exchange for a different size", 1.5),
    ("can i return earrings", 1), ("the clasp broke, i want a refund", 0.8),
    ("i would like to return my bracelet", 1.5), ("returns", 1), ("resize", 0.8),
])
STYLIST_TEXTS = Table([
    ("talk to a stylist", 8), ("can i speak to a human", 4), ("i want to talk to a real person", 3),
    ("customer service", 4), ("speak to someone", 2), ("agent please", 2),
    ("can i talk to someone about a custom ring", 2), ("i need help from a stylist", 2),
    ("stylist", 1.5), ("human please", 1.5), ("talk to an agent", 1.5),
    ("connect me with a stylist", 1), ("can a stylist help me pick an engagement ring", 1.2),
    ("i want to speak with customer service", 1), ("representative", 1),
])
NAMES_FIRST = Table([
    ("Ava", 6), ("Olivia", 5), ("Emma", 5), ("Sophia", 4), ("Mia", 4), ("Isabella", 3),
    ("Charlotte", 3), ("Amelia", 3), ("Harper", 2), ("Evelyn", 2), ("Abigail", 2),
    ("Emily", 3), ("Madison", 2), ("Chloe", 2), ("Grace", 2), ("Zoe", 2), ("Lily", 2),
    ("Hannah", 2), ("Sofia", 3), ("Layla", 1.5), ("Nora", 1.5), ("Riley", 1.5),
    ("Liam", 3), ("Noah", 3), ("Oliver", 2), ("Elijah", 2), ("James", 3), ("William", 2),
    ("Benjamin", 2), ("Lucas", 2), ("Henry", 1.5), ("Ethan", 2), ("Michael", 2.5),
    ("Daniel", 2), ("Matthew", 2), ("David", 2), ("Jackson", 1.5), ("Sebastian", 1),
    ("Priya", 1.5), ("Aisha", 1.2), ("Mei", 1), ("Yuki", 0.8), ("Fatima", 1), ("Camila", 2),
    ("Valentina", 1.5), ("Lucia", 1), ("Chen", 0.8), ("Omar", 0.8), ("Diego", 1),
])
NAMES_LAST = ["Thompson", "Carter", "Martinez", "Bennett", "Robinson", "Kim", "Rossi",
              "Brown", "Adams", "Silva", "Nguyen", "Patel", "Garcia", "Johnson", "Williams",
              "Smith", "Lee", "Walker", "Hall", "Young", "King", "Wright", "Lopez", "Hill",
              "Scott", "Green", "Baker", "Nelson", "Mitchell", "Perez", "Roberts", "Turner",
              "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart",
              "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Reed", "Bailey",
              "Bell", "Kelly", "Howard", "Ward", "Cox", "Diaz", "Richardson", "Wood", "Watson",
              "Brooks", "Sanders", "Price", "Bennett", "Ross", "Foster", "Hughes", "Myers"]
GREETING_TEXTS = Table([
    ("hi", 20), ("hello", 14), ("hey", 8), ("hi there", 5), ("hello!", 4), ("hey there", 3),
    ("good morning", 3), ("good afternoon", 1.5), ("good evening", 1.5), ("hii", 2),
    ("helo", 1), ("hi!", 3), ("Hi", 6), ("Hello", 5), ("yo", 0.5), ("hiya", 0.6),
    ("hi im {n}", 2.5), ("hi, im {n}", 1.5),
])
HELP_TEXTS = Table([
    ("what can you do", 8), ("help", 6), ("how does this work", 4), ("what do you do", 2),
    ("can you help me", 4), ("what can i ask you", 1.5), ("help me", 2), ("i need help", 2),
    ("what are you", 1), ("how can you help", 1.5),
])
SHORTLIST_TEXTS = Table([
    ("show my shortlist", 5), ("my shortlist", 3), ("my favorites", 3), ("my saved items", 2),
    ("shortlist", 2), ("show my favorites", 2), ("saved pieces", 1), ("open my shortlist", 1),
])
QUIZ_TEXTS = Table([
    ("style quiz", 5), ("take the quiz", 3), ("help me find my style", 2), ("quiz", 2),
    ("can i take the style quiz", 1.5), ("whats my style", 1),
])
UNKNOWN_TEXTS = Table([
    ("thanks", 10), ("thank you", 8), ("ok", 8), ("okay", 3), ("ok thanks", 3),
    ("thank you so much", 2), ("do you ship internationally", 4), ("do you ship to canada", 3),
    ("do you ship to the uk", 1.5), ("what are your store hours", 2),
    ("is there a discount code", 4), ("any coupons?", 1.5), ("can i pay with klarna", 2),
    ("do you take afterpay", 1.5), ("are you a bot", 2.5),
    ("are you a real person", 1.5), ("what is the weather", 0.5), ("lol", 1), ("no", 3),
    ("yes", 4), ("nvm", 1.5), ("never mind", 1), ("cool", 1.5), ("hmm", 1), ("?", 1.5),
    ("how do i clean silver", 1.5), ("do you have gift wrapping", 2),
    ("wrong size", 1), ("when is the black friday sale", 1.5), ("do you sell watches", 1.5),
    ("how long does shipping take", 2.5), ("is shipping free", 2), ("free shipping?", 1),
    ("where are you located", 1.5), ("do you have a store in new york", 1),
    ("can i change my shipping address", 1.5), ("what is your phone number", 1.5),
    ("asdfgh", 0.5), ("test", 1), ("something for my wife for christmas", 1),
    ("anniversary gift ideas", 1), ("budget is 600", 0.6),
    ("is this conflict free", 0.8), ("do you have gift cards", 1.2),
    ("do you price match", 0.8),
])
RETURN_ITEMS = Table([
    ("Halo ring", 3), ("Diamond stud earrings", 3), ("Tennis bracelet", 2),
    ("Pearl drop earrings", 2), ("Rose gold pendant necklace", 2), ("Signet ring", 1),
    ("Wedding band", 2), ("Hoop earrings", 2), ("Paperclip chain necklace", 1.5),
    ("Sapphire halo ring", 1), ("Charm bracelet", 1), ("Stacking rings (2)", 1),
    ("Birthstone pendant", 1), ("Engagement ring", 1.5),
])
RETURN_REASONS = Table([
    ("too_small", 3), ("too_big", 3), ("changed_mind", 4), ("not_as_described", 1.5),
    ("damaged", 1), ("other", 1),
])
RETURN_COMMENTS = ["Never worn, still in the box.", "Please send a return label.",
                   "It was a gift, the recipient prefers silver.", "The stone is smaller than in the photos.",
                   "Can I get store credit instead?", "The clasp is loose.",
                   "Need it back before the wedding on the 14th.", "Size 7 please."]
STYLIST_MESSAGES = Table([
    ("Help me choose an engagement ring", 5), ("I need a gift for my wife's 40th birthday", 2),
    ("Can you make a custom ring with my grandmother's stone?", 2),
    ("Looking for matching wedding bands", 2), ("Do you have this in a size 4?", 1.5),
    ("I want to design a custom pendant", 1.5), ("Which earrings go with a sapphire ring?", 1),
    ("Budget around $3,000 for an engagement ring, oval cut", 2),
    ("Can you engrave a bracelet?", 1.5), ("Need help picking a push present", 0.8),
    ("Is the tennis bracelet available in platinum?", 1),
    ("I'd like to book a virtual appointment", 1.2),
])
CSAT_COMMENTS = {
    5: ["Quick and helpful", "Found the perfect ring!", "Super easy, thank you", "Great service",
        "Loved it", "Very helpful, thanks!", "Fast answer", "Exactly what I needed", "Amazing",
        "The stylist was wonderful"],
    4: ["Helpful", "Good, but I wanted more options", "Pretty good", "Nice suggestions",
        "Worked well", "Good but slow to load"],
    3: ["Ok", "It was fine", "Could not find what I wanted", "Some results were off",
        "Average"],
    2: ["Didn't understand me", "Not very helpful", "Wrong results", "Too many questions"],
    1: ["Useless", "Did not understand my question", "I just wanted a human",
        "Couldn't track my order", "Bad"],
}
TAGS = Table([((), 80), (("vip",), 4), (("engagement",), 4), (("gift",), 3), (("priority",), 2),
              (("damaged", "priority"), 1.5), (("custom",), 2), (("resize",), 1.5),
              (("follow-up",), 2)])


# --- the concierge's fixed replies (copied from what the app stores) -------------------------

QUICK_MAIN = ('{"type":"quick_replies","replies":[{"label":"Ready to ship","action":"ready_to_ship"},'
              '{"label":"Rings","action":"category:rings"},{"label":"Necklaces","action":"category:necklaces"},'
              '{"label":"Earrings","action":"category:earrings"},{"label":"Bracelets","action":"category:bracelets"},'
              '{"label":"Track my order","action":"track_order"},{"label":"Returns & resizing","action":"returns"},'
              '{"label":"Talk to a stylist","action":"stylist"}]}')
QUICK_STYLIST = '{"type":"quick_replies","replies":[{"label":"Talk to a stylist","action":"stylist"}]}'
CSAT_PROMPT = '{"type":"csat_prompt","question":"How did I do? Rate this conversation from 1 to 5."}'


def text_block(text):
    return '{"type":"text","text":%s}' % js(text)


def reply(lines_blocks):
    """(text, blocks) of a reply from (line or None, block JSON) pairs."""
    lines = [line for line, _ in lines_blocks if line is not None]
    return "\n".join(lines), "[" + ",".join(b for _, b in lines_blocks) + "]"


WELCOME_1 = ("Hello! I'm the Gilded Grove concierge. I can find jewelry for you, track an order, "
             "start a return or a resize, or put you in touch with a stylist.")
WELCOME_2 = "Try “rose gold rings under $800”, or pick one:"
WELCOME = reply([(WELCOME_1, text_block(WELCOME_1)), (WELCOME_2, text_block(WELCOME_2)),
                 (None, QUICK_MAIN)])
GREETING_REPLY = reply([("Hello! What are you looking for today?",
                         text_block("Hello! What are you looking for today?")), (None, QUICK_MAIN)])
_help = ("I can find jewelry by category, metal, budget and style (“white gold earrings under $500”, "
         "“vintage rings”), show what is ready to ship, track an order, start a return or a resize, "
         "and put you in touch with a stylist.")
HELP_REPLY = reply([(_help, text_block(_help)), (None, QUICK_MAIN)])
_unknown = ("I'm not sure I understood that. I can help you find jewelry, track an order, start a "
            "return or a resize, or reach a stylist:")
UNKNOWN_REPLY = reply([(_unknown, text_block(_unknown)), (None, QUICK_MAIN)])
_empty_shortlist = "Your shortlist is empty. Tap “Add to shortlist” on any piece to keep it here."
SHORTLIST_EMPTY_REPLY = reply([(_empty_shortlist, text_block(_empty_shortlist)), (None, QUICK_MAIN)])
_quiz = "Which style speaks to you? (The full style quiz is coming soon.)"
QUIZ_REPLY = reply([(_quiz, text_block(_quiz)), (None,
    '{"type":"quick_replies","replies":[{"label":"Classic","action":"style:classic"},'
    '{"label":"Modern","action":"style:modern"},{"label":"Vintage","action":"style:vintage"},'
    '{"label":"Minimalist","action":"style:minimalist"},{"label":"Bold","action":"style:bold"},'
    '{"label":"Romantic","action":"style:romantic"}]}')])
_stylist = ("A stylist will reply within one business day, with this conversation and your "
            "shortlist at hand.")
STYLIST_REPLY = reply([(_stylist, text_block(_stylist)), ("[form: Talk to a stylist]",
    '{"type":"form","form":"stylist","title":"Talk to a stylist","endpoint":"/api/support/stylist",'
    '"submit_label":"Send to a stylist","fields":[{"name":"name","label":"Your name","type":"text",'
    '"required":true,"max_length":100},{"name":"email","label":"Email","type":"email","required":true,'
    '"max_length":254},{"name":"phone","label":"Phone (optional)","type":"tel","required":false,'
    '"max_length":30},{"name":"preferred_contact","label":"How should we reach you?","type":"radio",'
    '"required":true,"choices":[{"value":"email","label":"Email"},{"value":"phone","label":"Phone"}],'
    '"value":"email"},{"name":"message","label":"How can a stylist help?","type":"textarea",'
    '"required":true,"max_length":2000}]}')])
_track = "I can look that up. What is the order number, and the email you used?"


def order_field(number):
    value = ',"value":%s' % dumps(number) if number else ""
    return ('{"name":"order_number","label":"Order number","type":"text","required":true,'
            '"max_length":40%s,"hint":"e.g. GG-104233"}' % value)


EMAIL_FIELD = ('{"name":"email","label":"Email used for the order","type":"email","required":true,'
               '"max_length":254}')


def track_reply(number):
    return reply([(_track, text_block(_track)), ("[form: Track your order]",
        '{"type":"form","form":"order_lookup","title":"Track your order",'
        '"endpoint":"/api/support/orders/lookup","submit_label":"Find my order","fields":[%s,%s]}'
        % (order_field(number), EMAIL_FIELD))])


_returns = ("Returns are accepted within 30 days of delivery; pieces made to order can be resized "
            "but not returned. Tell me about your request:")


def returns_reply(number):
    return reply([(_returns, text_block(_returns)), ("[form: Return or resize]",
        '{"type":"form","form":"return_or_resize","title":"Return or resize",'
        '"endpoint":"/api/support/returns","submit_label":"Send request","fields":[%s,%s,'
        '{"name":"request","label":"What would you like?","type":"radio","required":true,'
        '"choices":[{"value":"return","label":"Return for a refund"},{"value":"resize","label":"Resize a ring"}]},'
        '{"name":"items","label":"Which items?","type":"text","required":true,"max_length":500,'
        '"hint":"The item names as on your order confirmation"},{"name":"new_size","label":"New ring size",'
        '"type":"text","required":false,"max_length":5,"hint":"US ring size, e.g. 6 or 6.5",'
        '"required_when":{"field":"request","equals":"resize"}},{"name":"reason","label":"Reason",'
        '"type":"select","required":true,"choices":[{"value":"too_small","label":"Too small"},'
        '{"value":"too_big","label":"Too big"},{"value":"changed_mind","label":"Changed my mind"},'
        '{"value":"not_as_described","label":"Not as described"},{"value":"damaged","label":"Arrived damaged"},'
        '{"value":"other","label":"Something else"}]},{"name":"comments","label":"Anything else we should know?",'
        '"type":"textarea","required":false,"max_length":2000}]}' % (order_field(number), EMAIL_FIELD))])


_not_found = ("We couldn't find an order with that number and email. Please check both (the email "
              "is the one you used at checkout).")
ORDER_NOT_FOUND_REPLY = reply([(_not_found, '{"type":"notice","level":"warning","text":%s}' % dumps(_not_found)),
    (None, '{"type":"quick_replies","replies":[{"label":"Try again","action":"track_order"},'
           '{"label":"Talk to a stylist","action":"stylist"}]}')])
_end = "Thanks for stopping by! The conversation has ended."
END_REPLY = reply([(_end, text_block(_end))])
END_REPLY_RATE = reply([(_end, text_block(_end)), (None, CSAT_PROMPT)])
QUICK_ORDER = ('{"type":"quick_replies","replies":[{"label":"Returns & resizing","action":"returns"},'
               '{"label":"Talk to a stylist","action":"stylist"}]}')

EMPTY_QUERY = (None, (), None, None, False, (), None)  # category, metals, min, max, rts, styles, text
CATEGORY_WORDS = {"ring": "rings", "rings": "rings", "necklace": "necklaces", "bracelet": "bracelets",
                  "earrings": "earrings"}


def mentioned(text):
    """The filters of a message that names a piece but is about something else."""
    for word in text.lower().replace(",", " ").split():
        category = CATEGORY_WORDS.get(word)
        if category:
            return (category, (), None, None, False, (), None)
    return EMPTY_QUERY


# --- the generator ---------------------------------------------------------------------------


class Generator:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        rng = self.rng
        self.products = build_catalog(random.Random(args.seed + 1))
        self.searchable = set().union(*(p.words for p in self.products))
        for phrase in NOT_IN_CATALOG.values:
            self.searchable.update(stem(w) for w in phrase.split())
        self.reply_cache = {}
        self.match_cache = {}
        self.by_category = {c: [p for p in self.products if p.category == c] for c in CATEGORIES}
        self.understood_cache = {}
        self.state_cache = {}
        self.references = {"RT": set(), "ST": set()}
        self.metrics = {}
        self.staff = ["usr_%016x" % rng.getrandbits(64) for _ in range(6)]
        self.now_ns = args.now_ns
        self.metric_from_minute = (self.now_ns - args.metric_days * DAY_NS) // MINUTE_NS
        self.now_minute = self.now_ns // MINUTE_NS
        self.visitors = []

    # --- metrics (the app's per-minute counters) ---

    def count(self, at_ns, series, label="", value=1):
        minute = at_ns // MINUTE_NS
        if self.metric_from_minute <= minute <= self.now_minute:
            key = (minute, series, label)
            self.metrics[key] = self.metrics.get(key, 0) + value

    # --- shopper texts ---

    def typo(self, text):
        rng = self.rng
        if rng.random() < 0.06:
            right, wrong = TYPOS[rng.randrange(len(TYPOS))]
            if right in text:
                text = text.replace(right, wrong, 1)
        r = rng.random()
        if r < 0.12:
            text = text[:1].upper() + text[1:]
        elif r < 0.135:
            text = text.upper()
        return text

    def order_number(self):
        return "GG-1%05d" % self.rng.randrange(100000)

    def product_message(self, force_empty=False):
        """A find_product message: (text, the message's filters as a query tuple); with
        `force_empty`, one asking for something the catalog does not have. The filters are
        what `aurora understand` makes of the text (the query: the words it leaves over)."""
        rng = self.rng
        category = None
        metals = ()
        lo = hi = None
        rts = False
        styles = ()
        leftovers = []
        parts = []
        if rng.random() < 0.2:
            phrase, style = STYLE_PHRASES.pick(rng)
            parts.append(phrase)
            if phrase != "statement":  # "statement necklace" is one phrase to the NLU
                styles = (style,)
        if rng.random() < 0.46:
            phrase, metals = METAL_PHRASES.pick(rng)
            parts.append(phrase)
        if force_empty:
            phrase = NOT_IN_CATALOG.pick(rng)
            parts.append(phrase)
            leftovers.append(phrase)
        elif rng.random() < 0.36:
            phrase, left = QUERY_WORDS.pick(rng)
            parts.append(phrase)
            leftovers.append(left)
        # Without a category, a metal (and a stone the NLU knows) says it is about jewelry.
        if rng.random() < 0.9 or not metals or (leftovers and leftovers[0] not in KNOWN_GEMS):
            while True:
                noun, category, left, ambiguous = CATEGORY_PHRASES.pick(rng)
                # "hoops", "studs", "chain" need a metal or a stone the NLU knows.
                if not ambiguous or metals or (leftovers and leftovers[0] in KNOWN_GEMS):
                    break
            parts.append(noun)
            if left:
                leftovers.append(left)
        else:
            noun = None
        if rng.random() < 0.05:
            rts = True
            if rng.random() < 0.5:
                parts.insert(0, "ready to ship")
            else:
                parts.append("ready to ship")
        text = " ".join(parts)
        sized = False
        if rng.random() < 0.3:
            template, a, b = BUDGETS.pick(rng)
            amount_a = BUDGET_AMOUNTS.pick(rng)
            amount_b = amount_a * rng.choice([2, 2, 3, 4]) if b == "b" else None
            if b == "b":
                lo, hi = amount_a, amount_b
            elif a == "a":
                lo = amount_a
            else:
                hi = amount_a
            budget = template.format(a="{:,}".format(amount_a) if rng.random() < 0.5 else amount_a,
                                     b=amount_b)
            # A bare number first is not read as a price.
            if "$" in budget and rng.random() < 0.15:
                text = budget + " " + text
            else:
                text = text + " " + budget
            sized = True
        if rng.random() < 0.05 and noun and not leftovers and not force_empty:
            # "is the … available in …": what the search for `ava` also finds.
            design = rng.choice(["halo", "pearl", "sapphire", "diamond", "halo", "diamond"])
            metal_phrase, metals = METAL_PHRASES.pick(rng)
            text = "is the %s %s available in %s" % (design, noun, metal_phrase)
            leftovers = [design]
            if category == "rings" and left:
                leftovers.append(left)
            lo = hi = None
            styles = ()
            rts = False
        else:
            opener = OPENERS.pick(rng)
            if noun is None:
                suffix = ("", None, None, False)  # "rose gold turquoise for my sister" is not understood
            else:
                while True:
                    suffix = SUFFIXES.pick(rng)
                    if not (sized and "size" in suffix[0]):  # "under 300 in size 6" loses the price
                        break
            text = opener + text + suffix[0]
            if suffix[1]:
                leftovers.append(suffix[1])
            if suffix[2] and suffix[2] not in styles:
                styles = styles + (suffix[2],)
            rts = rts or suffix[3]
        query = " ".join(leftovers) or None
        return self.typo(text), (category, metals, lo, hi, rts, styles, query)

    def understood(self, intent, filters=EMPTY_QUERY, order=None):
        key = (intent, filters, order)
        found = self.understood_cache.get(key)
        if found is None:
            category, metals, lo, hi, rts, styles, query = filters
            parts = ['"category":%s' % dumps(category), '"metals":%s' % dumps(list(metals)),
                     '"min_price":%s' % dumps(lo), '"max_price":%s' % dumps(hi),
                     '"ready_to_ship":%s' % dumps(rts)]
            if styles:
                parts.append('"styles":%s' % dumps(list(styles)))
            if query:
                parts.append('"query":%s' % dumps(query))
            found = '{"intent":%s,"filters":{%s},"order_number":%s}' % (
                dumps(intent), ",".join(parts), dumps(order))
            if len(self.understood_cache) > 200_000:
                self.understood_cache.clear()
            self.understood_cache[key] = found
        return found

    # --- product replies ---

    def matches(self, q):
        """The catalog's products for query `q`, cheapest first. Of the query's words only
        those the catalog search knows count (a stone, a design; not "wife")."""
        category, metals, lo, hi, rts, styles, query = q
        words = tuple(w for w in map(stem, query.split()) if w in self.searchable) if query else ()
        key = (category, metals, lo, hi, rts, words)
        found = self.match_cache.get(key)
        if found is not None:
            return found
        out = []
        for p in self.by_category[category] if category else self.products:
            if category and p.category != category:
                continue
            if metals and p.metal not in metals:
                continue
            if lo is not None and p.price < lo:
                continue
            if hi is not None and p.price > hi:
                continue
            if rts and not p.ready:
                continue
            if words and not all(w in p.words for w in words):
                continue
            out.append(p)
        if len(self.match_cache) > 100_000:
            self.match_cache.clear()
        self.match_cache[key] = out
        return out

    @staticmethod
    def describe(q):
        category, metals, lo, hi, rts, styles, query = q
        parts = []
        if rts:
            parts.append("ready-to-ship")
        if styles:
            parts.append(" or ".join(s.replace("_", " ") for s in styles))
        if metals:
            parts.append(" or ".join(METAL_LABEL[m].lower() for m in metals))
        parts.append(category or "pieces")
        if lo is not None and hi is not None:
            parts.append("between %s and %s" % (money(lo), money(hi)))
        elif hi is not None:
            parts.append("under %s" % money(hi))
        elif lo is not None:
            parts.append("from %s" % money(lo))
        if query:
            parts.append("matching “%s”" % query)
        return " ".join(parts)

    @staticmethod
    def chips(q):
        category, metals, lo, hi, rts, styles, query = q
        chips = []
        if category:
            chips.append((CATEGORY_LABEL[category], "category"))
        if metals:
            chips.append((" or ".join(METAL_LABEL[m] for m in metals), "metals"))
        if lo is not None and hi is not None:
            chips.append(("%s – %s" % (money(lo), money(hi)), "price"))
        elif hi is not None:
            chips.append(("Under %s" % money(hi), "price"))
        elif lo is not None:
            chips.append(("From %s" % money(lo), "price"))
        if rts:
            chips.append(("Ready to ship", "ready_to_ship"))
        if styles:
            chips.append((" or ".join(styles), "styles"))
        if query:
            chips.append(("“%s”" % query, "text"))
        return "[" + ",".join('{"label":%s,"remove_action":"remove:%s"}' % (dumps(l), f)
                              for l, f in chips) + "]"

    def products_block(self, q, shown, total):
        return '{"type":"products","products":[%s],"total":%d,"filters":%s}' % (
            ",".join(p.card for p in shown), total, self.chips(q))

    def product_reply(self, q, offset, allow_empty):
        """(text, blocks, ids shown, offset after, total) for query `q`; ids empty when nothing
        was found. Cached: a busy store's shoppers ask the same things."""
        key = (q, offset, allow_empty)
        found = self.reply_cache.get(key)
        if found is not None:
            return found
        found_all = self.matches(q)
        total = len(found_all)
        more_label = '{"label":"Show more","action":"more"},'
        if total > offset:
            page = found_all[offset:offset + 6]
            desc = self.describe(q)
            if total <= 6:
                first = "Here are the %d %s we have." % (total, desc)
            else:
                first = "Here are %s: %d to %d of %d." % (desc, offset + 1, offset + len(page), total)
            tail = "Tell me more to narrow it down (a metal, a budget, a style), or remove a filter above."
            quick = '{"type":"quick_replies","replies":[%s%s%s{"label":"Talk to a stylist","action":"stylist"}]}' % (
                more_label if total > offset + len(page) else "",
                "" if q[4] else '{"label":"Only ready to ship","action":"ready_to_ship"},',
                '{"label":"Clear filters","action":"clear_filters"},' if q != EMPTY_QUERY else "")
            text, blocks = reply([(first, text_block(first)),
                                  ("[products: %s]" % "; ".join(p.line for p in page),
                                   self.products_block(q, page, total)),
                                  (tail, text_block(tail)), (None, quick)])
            result = (text, blocks, tuple(p.id for p in page), offset + len(page), total)
        else:
            relaxed = None
            category, metals, lo, hi, rts, styles, query = q
            for candidate, undo in (((category, metals, lo, hi, rts, styles, None), "text"),
                                    ((category, metals, None, None, rts, styles, None), "price"),
                                    ((category, (), None, None, False, (), None), "metals"),
                                    (EMPTY_QUERY, "category")):
                if candidate != q and self.matches(candidate):
                    relaxed = (candidate, undo)
                    break
            first = "No %s." % self.describe(q)
            stylist = "A stylist can also look for you, including pieces made to order."
            if relaxed is None or allow_empty:
                text, blocks = reply([(first, text_block(first)), (stylist, text_block(stylist)),
                                      (None, QUICK_STYLIST)])
                result = (text, blocks, (), 0, 0)
            else:
                candidate, undo = relaxed
                others = self.matches(candidate)
                page = others[:6]
                first = first[:-1] + ". Here are %s instead:" % self.describe(candidate)
                see_all = "See all %s" % (candidate[0] or "pieces")
                quick = '{"type":"quick_replies","replies":[{"label":%s,"action":"remove:%s"},{"label":"Talk to a stylist","action":"stylist"}]}' % (
                    dumps(see_all), undo)
                text, blocks = reply([(first, text_block(first)),
                                      ("[products: %s]" % "; ".join(p.line for p in page),
                                       self.products_block(candidate, page, len(others))),
                                      (stylist, text_block(stylist)), (None, quick)])
                result = (text, blocks, tuple(p.id for p in page), len(page), len(others))
        if len(self.reply_cache) > 100_000:
            self.reply_cache.clear()
        self.reply_cache[key] = result
        return result

    @staticmethod
    def merge(current, new):
        category, metals, lo, hi, rts, styles, query = current
        n_category, n_metals, n_lo, n_hi, n_rts, n_styles, n_query = new
        if n_category:
            category = n_category
        if n_metals:
            metals = n_metals
        if n_lo is not None or n_hi is not None:
            lo, hi = n_lo, n_hi
        if n_styles:
            styles = n_styles
        return (category, metals, lo, hi, rts or n_rts, styles, n_query)

    def state_text(self, q, offset, shown):
        """The conversation's `state` (ConversationState as serde writes it)."""
        query_json = self.state_cache.get(q)
        if query_json is None:
            category, metals, lo, hi, rts, styles, query = q
            query_json = ('{"query":{"category":%s,"metals":%s,"min_price_cents":%s,'
                          '"max_price_cents":%s,"ready_to_ship":%s,"styles":%s,"text":%s},' % (
                              js(category), dumps(list(metals)), dumps(None if lo is None else lo * 100),
                              dumps(None if hi is None else hi * 100), dumps(rts),
                              dumps(list(styles)), js(query)))
            if len(self.state_cache) > 200_000:
                self.state_cache.clear()
            self.state_cache[q] = query_json
        return '%s"offset":%d,"shown":[%s]}' % (query_json, offset, ",".join('"%s"' % i for i in shown))

    @staticmethod
    def filters_json(q):
        """The ticket's `filters`: the conversation's query, keys sorted (serde_json::Value)."""
        category, metals, lo, hi, rts, styles, query = q
        return dumps({"category": category, "max_price_cents": None if hi is None else hi * 100,
                      "metals": list(metals), "min_price_cents": None if lo is None else lo * 100,
                      "ready_to_ship": rts, "styles": list(styles), "text": query}, sort_keys=True)

    # --- orders ---

    def order_timeline(self, number, at_ns):
        rng = self.rng
        placed = at_ns - rng.randrange(1 * DAY_NS, 25 * DAY_NS)
        paid = placed + rng.randrange(2 * MINUTE_NS, 40 * MINUTE_NS)
        events = [("placed", "Placed", placed, None), ("paid", "Paid", paid, None)]
        status = "paid"
        if rng.random() < 0.06:
            made = paid + rng.randrange(HOUR_NS, 2 * DAY_NS)
            if made < at_ns:
                events.append(("in_production", "In production", made, None))
                status = "in_production"
        shipped = events[-1][2] + rng.randrange(12 * HOUR_NS, 4 * DAY_NS)
        carrier = None
        if shipped < at_ns:
            carrier = rng.choice(["FedEx", "UPS", "USPS"])
            if carrier == "FedEx":
                tracking = "7%011d" % rng.randrange(10 ** 11)
                url = "https://www.fedex.com/fedextrack/?trknbr=" + tracking
            elif carrier == "UPS":
                tracking = "1Z%06X%010d" % (rng.randrange(16 ** 6), rng.randrange(10 ** 10))
                url = "https://www.ups.com/track?tracknum=" + tracking
            else:
                tracking = "9400%018d" % rng.randrange(10 ** 18)
                url = "https://tools.usps.com/go/TrackConfirmAction?tLabels=" + tracking
            events.append(("shipped", "Shipped", shipped, (carrier, tracking, url)))
            status = "shipped"
            delivered = shipped + rng.randrange(1 * DAY_NS, 5 * DAY_NS)
            if delivered < at_ns:
                events.append(("delivered", "Delivered", delivered, None))
                status = "delivered"
        label = {"placed": "Placed", "paid": "Paid", "in_production": "In production",
                 "shipped": "Shipped", "delivered": "Delivered"}[status]
        event_json = []
        for s, l, at, ship in events:
            extra = ""
            if ship:
                extra = ',"carrier":%s,"tracking_number":%s,"tracking_url":%s' % (
                    js(ship[0]), js(ship[1]), js(ship[2]))
            event_json.append('{"status":"%s","label":"%s","at":"%s"%s}' % (s, l, ts(at), extra))
        items = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            p = self.products[rng.randrange(len(self.products))]
            items.append('{"title":%s,"quantity":1,"made_to_order":%s}' % (
                js(p.title), "true" if rng.random() < 0.08 else "false"))
        first = "Order %s is %s." % (number, label.lower())
        pairs = [(first, text_block(first)),
                 ("[order %s: %s]" % (number, label),
                  '{"type":"order_timeline","order_number":"%s","status":"%s","status_label":"%s",'
                  '"events":[%s],"items":[%s]}' % (number, status, label, ",".join(event_json),
                                                   ",".join(items)))]
        if status == "shipped":
            ship = events[-1][3]
            way = "It is on its way with %s, tracking number %s." % (ship[0], ship[1])
            pairs.append((way, text_block(way)))
        pairs.append((None, QUICK_ORDER))
        return reply(pairs)

    # --- one conversation ---

    def conversation(self, index, start, total):
        rng = self.rng
        conv_id = "%08x-%04x-4%03x-%x%03x-%012x" % (
            rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
            8 + rng.getrandbits(2), rng.getrandbits(12), rng.getrandbits(48))
        if self.visitors and rng.random() < 0.22:
            visitor = self.visitors[rng.randrange(len(self.visitors))]
        else:
            visitor = "%032x" % rng.getrandbits(128)
            if len(self.visitors) < 200_000:
                self.visitors.append(visitor)
            else:
                self.visitors[rng.randrange(200_000)] = visitor
        still_open = index >= total - OPEN_AT_END
        messages = []  # rows of `messages`, in its insert's column order
        count = self.count
        welcome_text, welcome_blocks = WELCOME
        messages.append((conv_id, 0, "concierge", welcome_text, welcome_blocks, ts(start), None, None, 0))
        raw = [("concierge", welcome_text, start)]  # for a ticket's transcript
        count(start, "conversations_started")

        r = rng.random()
        exchanges = 1 if r < 0.36 else 2 if r < 0.66 else 3 if r < 0.86 else 4
        kind = None
        if rng.random() < self.args.ticket_rate:
            kind = "return" if (r := rng.random()) < 0.45 else "resize" if r < 0.65 else "stylist"
        answered_goal = kind is None and rng.random() < 0.55

        # A conversation that started minutes ago has had no time for long pauses.
        scale = min(1.0, (self.now_ns - start) / (48 * MINUTE_NS))

        def gap(lo, hi):
            return int(rng.randrange(lo * NS, hi * NS) * scale)

        t = start + gap(4, 70)
        query = EMPTY_QUERY
        offset = 0
        shown = []
        last_products = False
        replies = 0
        answered = False
        given_order = None
        pos = 1
        first_sent = False

        def add_pair(shopper_text, intent, understood_json, reply_pair, at):
            nonlocal pos
            at_text = ts(at)
            mis = 1 if intent is not None and rng.random() < 0.004 else 0
            messages.append((conv_id, pos, "shopper", shopper_text, "[]", at_text, intent,
                             understood_json, mis))
            messages.append((conv_id, pos + 1, "concierge", reply_pair[0], reply_pair[1], at_text,
                             None, None, 0))
            raw.append(("shopper", shopper_text, at))
            raw.append(("concierge", reply_pair[0], at))
            pos += 2

        for step in range(exchanges):
            last = step == exchanges - 1
            # What this exchange is.
            if last and kind is not None:
                what = "returns" if kind != "stylist" else "stylist"
            elif last and answered_goal:
                what = "find_product" if rng.random() < 0.86 else "lookup"
            elif last:
                what = self.unanswered_last(rng)
            else:
                what = self.free_exchange(rng, step, last_products)
            text_intent = None
            # The shopper's message and the concierge's reply.
            if what == "find_product" or what == "find_empty":
                text, filters = self.product_message(what == "find_empty")
                query = self.merge(query, filters)
                offset = 0
                text_reply, blocks, ids, offset, total_found = self.product_reply(
                    query, 0, what == "find_empty" or (not last and rng.random() < 0.5))
                add_pair(text, "find_product", self.understood("find_product", filters),
                         (text_reply, blocks), t)
                text_intent = "find_product"
                if ids:
                    shown = [s for s in shown if s not in ids] + list(ids)
                    count(t, "product_replies")
                else:
                    count(t, "empty_searches")
                answered = bool(ids)
                last_products = bool(ids)
            elif what == "button":
                action, reply_pair, new_query, new_offset, ids = self.button(rng, query, offset, last_products)
                if new_query is not None:
                    query, offset = new_query, new_offset
                add_pair("[%s]" % action, None, None, reply_pair, t)
                count(t, "messages", "action")
                if not first_sent:
                    count(t, "first_messages")
                    first_sent = True
                if ids:
                    shown = [s for s in shown if s not in ids] + list(ids)
                    count(t, "product_replies")
                answered = bool(ids)
                last_products = bool(ids)
                replies += 1
                t += gap(5, 90)
                continue
            elif what in ("track_order", "lookup"):
                template = TRACK_TEXTS.pick(rng)
                number = self.order_number() if "{o}" in template else None
                text = self.typo(template.format(o=number))
                add_pair(text, "track_order", self.understood("track_order", mentioned(text), number),
                         track_reply(number), t)
                text_intent = "track_order"
                given_order = number or given_order
                answered = False
                last_products = False
                if what == "lookup" or (not last and rng.random() < 0.5):
                    # The shopper fills in the form.
                    count(t, "messages", "track_order")
                    if not first_sent:
                        count(t, "first_messages")
                        first_sent = True
                    replies += 1
                    t += gap(20, 150)
                    number = number or self.order_number()
                    if what == "lookup" or rng.random() < 0.75:
                        pair = self.order_timeline(number, t)
                        answered = True
                    else:
                        pair = ORDER_NOT_FOUND_REPLY
                    add_pair("[order lookup]", None, None, pair, t)
                    replies += 1
                    t += gap(5, 90)
                    continue
            elif what == "returns":
                template = RETURNS_TEXTS.pick(rng)
                while kind == "return" and "resize" in template:
                    template = RETURNS_TEXTS.pick(rng)
                number = self.order_number() if "{o}" in template else None
                if kind == "resize":
                    template = rng.choice(["can i resize my ring", "i need to resize my ring",
                                           "resize my ring to a 7", "the ring is too small",
                                           "the ring is too big", "my ring doesnt fit",
                                           "resize ring {o}"])
                    number = self.order_number() if "{o}" in template else None
                text = self.typo(template.format(o=number))
                given_order = number or given_order
                add_pair(text, "returns", self.understood("returns", mentioned(text), number),
                         returns_reply(number), t)
                text_intent = "returns"
                answered = False
                last_products = False
            elif what == "stylist":
                text = self.typo(STYLIST_TEXTS.pick(rng))
                add_pair(text, "stylist", self.understood("stylist", mentioned(text)), STYLIST_REPLY, t)
                text_intent = "stylist"
                answered = False
                last_products = False
            else:
                text_intent = what
                if what == "greeting":
                    text = GREETING_TEXTS.pick(rng).format(n=NAMES_FIRST.pick(rng).lower())
                    pair = GREETING_REPLY
                elif what == "help":
                    text, pair = HELP_TEXTS.pick(rng), HELP_REPLY
                elif what == "shortlist":
                    text, pair = SHORTLIST_TEXTS.pick(rng), SHORTLIST_EMPTY_REPLY
                elif what == "style_quiz":
                    text, pair = QUIZ_TEXTS.pick(rng), QUIZ_REPLY
                else:
                    text_intent = "unknown"
                    text, pair = UNKNOWN_TEXTS.pick(rng), UNKNOWN_REPLY
                add_pair(self.typo(text), text_intent, self.understood(text_intent), pair, t)
                answered = False
                last_products = False
            count(t, "messages", text_intent)
            if not first_sent:
                count(t, "first_messages")
                first_sent = True
            replies += 1
            t += gap(5, 90) if rng.random() < 0.85 else gap(90, 400)

        # A ticket: the form, sent a minute or two after the reply that showed it.
        ticket = None
        csat_at = None
        if kind is not None:
            t += gap(30, 200)
            prefix = "ST" if kind == "stylist" else "RT"
            refs = self.references[prefix]
            while True:
                reference = "%s-%06d" % (prefix, rng.randrange(100000, 1000000))
                if reference not in refs:
                    refs.add(reference)
                    break
            first = NAMES_FIRST.pick(rng)
            last_name = NAMES_LAST[rng.randrange(len(NAMES_LAST))]
            email = "%s.%d@%s" % (first.lower(), rng.randrange(1, 10000),
                                  rng.choice(["example.com", "example.com", "example.org", "example.net"]))
            transcript = dumps([{"role": role, "text": text, "at": ts(at, zulu=True)}
                                for role, text, at in raw])
            if kind == "stylist":
                name = "%s %s" % (first, last_name)
                details = {"email": email, "message": STYLIST_MESSAGES.pick(rng), "name": name,
                           "preferred_contact": "email"}
                if rng.random() < 0.2:
                    details["phone"] = "+1 %03d %03d %04d" % (rng.randrange(201, 990), rng.randrange(200, 999), rng.randrange(10000))
                    if rng.random() < 0.6:
                        details["preferred_contact"] = "phone"
                order = None
                confirmation = ("Thank you! Your request %s is with our stylists, and one will reply "
                                "within one business day by %s. They will see this conversation and "
                                "your shortlist." % (reference, details["preferred_contact"]))
                said = "[stylist request]"
            else:
                name = None
                order = given_order or self.order_number()
                details = {"email": email, "items": RETURN_ITEMS.pick(rng), "order_number": order,
                           "reason": RETURN_REASONS.pick(rng), "request": kind}
                if kind == "resize":
                    details["new_size"] = rng.choice(["5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9"])
                    details["reason"] = rng.choice(["too_small", "too_big"])
                if rng.random() < 0.25:
                    details["comments"] = rng.choice(RETURN_COMMENTS)
                confirmation = ("Your %s request %s for order %s is in. We'll email %s with the next "
                                "steps within two business days." % (kind, reference, order, email))
                said = "[return or resize request]"
            at_text = ts(t)
            messages.append((conv_id, pos, "shopper", said, "[]", at_text, None, None, 0))
            messages.append((conv_id, pos + 1, "concierge", confirmation,
                             "[%s,%s]" % (text_block(confirmation), CSAT_PROMPT), at_text, None, None, 0))
            pos += 2
            replies += 1
            answered = False
            count(t, "tickets", kind)
            shortlist = []
            if rng.random() < 0.25:
                pool = shown or [self.products[rng.randrange(len(self.products))].id]
                shortlist = sorted(set(rng.choice(pool) for _ in range(rng.randrange(1, 4))))
            age = self.now_ns - t
            status, assignee, awaiting, updated = self.workflow(rng, t, age, kind)
            tags = TAGS.pick(rng)
            ticket = (reference, kind, at_text, conv_id, name, email, dumps(details, sort_keys=True),
                      transcript, dumps(shortlist), self.filters_json(query), dumps(shown), status,
                      assignee, dumps(list(tags)), awaiting, updated, order,
                      ("%s %s %s %s" % (reference, email, order or "", name or "")).lower())
            if rng.random() < self.args.ticket_rating_rate:
                csat_at = t + gap(10, 180)

        # How the conversation ended: the shopper's "End chat", or 30 idle minutes.
        last_at = raw[-1][2] if kind is None else t
        ended_at = None
        if not still_open:
            if rng.random() < 0.27:
                end_at = last_at + gap(10, 240)
                if end_at <= self.now_ns:
                    ended_at = end_at
                    if kind is None and replies >= 2:
                        pair = END_REPLY_RATE
                        if rng.random() < self.args.end_rating_rate:
                            csat_at = end_at + gap(5, 90)
                    else:
                        pair = END_REPLY
                    messages.append((conv_id, pos, "concierge", pair[0], pair[1], ts(end_at), None, None, 0))
                    pos += 1
                    last_at = end_at
            if ended_at is None and last_at + IDLE_NS <= self.now_ns:
                ended_at = last_at + IDLE_NS
        if ended_at is not None:
            count(ended_at, "conversations_ended", "true" if kind else "false")

        csat = None
        if csat_at is not None and csat_at <= self.now_ns:
            good = kind is not None or answered
            r = rng.random()
            if good:
                score = 5 if r < 0.6 else 4 if r < 0.84 else 3 if r < 0.92 else 2 if r < 0.96 else 1
            else:
                score = 5 if r < 0.3 else 4 if r < 0.52 else 3 if r < 0.7 else 2 if r < 0.83 else 1
            comment = rng.choice(CSAT_COMMENTS[score]) if rng.random() < 0.4 else None
            csat = (conv_id, score, comment, ts(csat_at))
            count(csat_at, "csat_responses")
            count(csat_at, "csat_points", "", score)

        conversation = (conv_id, visitor, ts(start), ts(last_at), None if ended_at is None else ts(ended_at),
                        replies, len(messages), 1 if kind else 0,
                        self.state_text(query, offset, shown[-100:]), 1 if answered else 0)
        return conversation, messages, ticket, csat

    @staticmethod
    def free_exchange(rng, step, last_products):
        r = rng.random()
        if step == 0:
            table = ((0.50, "find_product"), (0.60, "greeting"), (0.72, "track_order"),
                     (0.77, "returns"), (0.80, "stylist"), (0.83, "help"), (0.84, "shortlist"),
                     (0.855, "style_quiz"), (0.905, "unknown"), (1.0, "button"))
        elif last_products:
            table = ((0.58, "find_product"), (0.61, "track_order"), (0.64, "returns"),
                     (0.68, "stylist"), (0.69, "help"), (0.73, "shortlist"), (0.74, "style_quiz"),
                     (0.79, "unknown"), (0.80, "greeting"), (1.0, "button"))
        else:
            table = ((0.62, "find_product"), (0.68, "track_order"), (0.73, "returns"),
                     (0.77, "stylist"), (0.80, "help"), (0.82, "shortlist"), (0.83, "style_quiz"),
                     (0.885, "unknown"), (0.91, "greeting"), (1.0, "button"))
        for bound, what in table:
            if r < bound:
                return what
        return "find_product"

    @staticmethod
    def unanswered_last(rng):
        r = rng.random()
        for bound, what in ((0.14, "greeting"), (0.26, "help"), (0.41, "unknown"),
                            (0.47, "shortlist"), (0.50, "style_quiz"), (0.65, "track_order"),
                            (0.76, "returns"), (0.83, "stylist"), (1.0, "find_empty")):
            if r < bound:
                return what
        return "unknown"

    def button(self, rng, query, offset, last_products):
        """A quick reply pressed: (action, reply, the new query and offset or None, ids
        shown)."""
        if last_products:
            action = rng.choice(["more", "more", "ready_to_ship", "clear_filters", "remove:price",
                                 "remove:metals", "stylist", "category:rings", "category:earrings"])
        else:
            action = rng.choice(["category:rings", "category:necklaces", "category:earrings",
                                 "category:bracelets", "ready_to_ship", "track_order", "returns",
                                 "stylist", "category:rings"])
        if action == "stylist":
            return action, STYLIST_REPLY, None, 0, ()
        if action == "track_order":
            return action, track_reply(None), None, 0, ()
        if action == "returns":
            return action, returns_reply(None), None, 0, ()
        category, metals, lo, hi, rts, styles, text = query
        new_offset = 0
        if action == "more":
            new_offset = offset
        elif action == "ready_to_ship":
            query = (category, metals, lo, hi, True, styles, text)
        elif action == "clear_filters":
            query = EMPTY_QUERY
        elif action == "remove:price":
            query = (category, metals, None, None, rts, styles, text)
        elif action == "remove:metals":
            query = (category, (), lo, hi, rts, styles, text)
        else:
            query = (action.split(":", 1)[1], metals, lo, hi, rts, styles, text)
        text_reply, blocks, ids, after, _ = self.product_reply(query, new_offset, False)
        if not ids and action == "more":
            query = EMPTY_QUERY
            text_reply, blocks, ids, after, _ = self.product_reply(query, 0, False)
        return action, (text_reply, blocks), query, after, ids

    def workflow(self, rng, created, age, kind):
        """(status, assignee, awaiting_since, updated_at) of a ticket `age` old."""
        days = age / DAY_NS
        r = rng.random()
        if days < 1:
            status = "new" if r < 0.65 else "open" if r < 0.88 else "waiting"
        elif days < 4:
            status = "new" if r < 0.15 else "open" if r < 0.45 else "waiting" if r < 0.7 else "resolved"
        elif days < 14:
            status = "new" if r < 0.03 else "open" if r < 0.12 else "waiting" if r < 0.25 else "resolved"
        else:
            status = "new" if r < 0.005 else "open" if r < 0.02 else "waiting" if r < 0.05 else "resolved"
        created_text = ts(created)
        if status == "new":
            return status, None, created_text, created_text
        # Stylists work stylist requests; agents (and now and then the admin) the rest.
        team = self.staff[3:5] if kind == "stylist" else self.staff[0:3] + self.staff[5:]
        assignee = team[rng.randrange(len(team))] if rng.random() < 0.8 else None
        updated = created + rng.randrange(10 * MINUTE_NS, max(11 * MINUTE_NS, min(age, 5 * DAY_NS)))
        updated = max(created, min(updated, self.now_ns - NS))
        updated_text = ts(updated)
        # A few were reopened: their clock runs again from then.
        awaiting = updated_text if status == "open" and rng.random() < 0.05 else None
        return status, assignee, awaiting, updated_text

    # --- writing ---

    def staff_rows(self):
        """The support team the tickets are assigned to (no passwords: nobody signs in)."""
        created = ts(self.now_ns - 400 * DAY_NS)
        rows = []
        for i, user in enumerate(self.staff):
            role = ["agent", "agent", "agent", "stylist", "stylist", "admin"][i]
            rows.append((user, "%s%d@staff.gildedgrove.example" % (role, i + 1), role, created))
        return rows

    def start_times(self, n):
        """`n` start times over the last 365 days, oldest first: a jewelry store's year."""
        rng = self.rng
        hours = 365 * 24
        weights = []
        total = 0.0
        hour_weights = [0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.45, 0.65, 0.8, 0.9, 0.95, 1.0,
                        1.0, 0.95, 0.95, 0.95, 1.0, 1.1, 1.25, 1.35, 1.3, 1.0, 0.55]
        weekday_weights = [1.05, 1.0, 1.0, 1.0, 0.9, 0.9, 1.1]  # Monday first
        self.hour_rate = {}
        # The newest start a minute before now, time for a first message.
        end = self.now_ns - MINUTE_NS
        for i in range(hours):
            slot_start = end - (i + 1) * HOUR_NS
            local = time.gmtime(slot_start // NS + STORE_UTC_OFFSET_HOURS * 3600)
            w = hour_weights[local.tm_hour] * weekday_weights[local.tm_wday]
            w *= season(local.tm_mon, local.tm_mday)
            w *= 0.8 + 0.4 * (1 - i / hours)  # the store grew over the year
            weights.append(w)
            total += w
        cum = []
        acc = 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        # The expected conversations per minute of each hour (the widget series follow it).
        for i, w in enumerate(weights):
            self.hour_rate[(end - (i + 1) * HOUR_NS) // HOUR_NS] = n * w / total / 60
        slots = rng.choices(range(hours), cum_weights=cum, k=n)
        starts = [end - (s + 1) * HOUR_NS + rng.randrange(HOUR_NS) for s in slots]
        starts.sort()
        return starts

    def produce(self, send):
        """Sends everything to write, in order: the staff, batches of about `--batch` message
        rows with their conversations, tickets and ratings, then the metric rows."""
        n = self.args.conversations
        starts = self.start_times(n)
        send(("start", ts(starts[0]), ts(starts[-1]), self.staff_rows()))
        conv_rows, msg_rows, ticket_rows, csat_rows = [], [], [], []
        batch_rows = self.args.batch
        conversation = self.conversation
        for i, start in enumerate(starts):
            row, messages, ticket, csat = conversation(i, start, n)
            # conversations.intents: one bit per intent its messages were understood as.
            bits = 0
            for message in messages:
                if message[6] is not None:
                    bits |= INTENT_BITS[message[6]]
            conv_rows.append(row + (bits,))
            msg_rows.extend(messages)
            if ticket:
                ticket_rows.append(ticket)
            if csat:
                csat_rows.append(csat)
            if len(msg_rows) >= batch_rows:
                send(("batch", conv_rows, msg_rows, ticket_rows, csat_rows))
                conv_rows, msg_rows, ticket_rows, csat_rows = [], [], [], []
        send(("batch", conv_rows, msg_rows, ticket_rows, csat_rows))
        send(("metrics", self.metric_rows()))

    def metric_rows(self):
        """The widget's series drawn around the counted ones, every minute of the window; then
        every counted and drawn value, as metric_minutes rows."""
        rng = self.rng
        metrics = self.metrics
        get = metrics.get
        for minute in range(self.metric_from_minute, self.now_minute + 1):
            rate = self.hour_rate.get(minute * MINUTE_NS // HOUR_NS, 0.0)
            started = get((minute, "conversations_started", ""), 0)
            products = get((minute, "product_replies", ""), 0)
            loads = poisson(rng, rate * 14)
            opens = started + poisson(rng, rate * 0.4)
            closes = sum(1 for _ in range(opens) if rng.random() < 0.72)
            details = poisson(rng, products * 0.9)
            shortlisted = poisson(rng, details * 0.22)
            for series, value in (("widget_loads", max(loads, opens)), ("widget_opens", opens),
                                  ("widget_closes", closes), ("product_details", details),
                                  ("shortlisted", shortlisted)):
                if value:
                    metrics[(minute, series, "")] = value
        rows = [(minute, series, label, self.args.instance, value)
                for (minute, series, label), value in metrics.items() if value > 0]
        rows.sort()
        return rows


def produce(args, pipe):
    """The generating process: everything down the pipe, pickled."""
    gc.disable()  # no reference cycles here; the collector would only slow a large heap down
    try:
        Generator(args).produce(lambda item: pipe.send_bytes(pickle.dumps(item, pickle.HIGHEST_PROTOCOL)))
    except BrokenPipeError:
        pass  # the writer stopped (and says why)
    finally:
        pipe.close()


INSERT_CONVERSATION = (
    "INSERT INTO conversations (id, visitor_id, started_at, last_activity_at, ended_at, replies, "
    "message_count, has_ticket, state, last_reply_answered, intents) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
# The store's `intent_bit`.
INTENT_BITS = {name: 1 << i for i, name in enumerate([
    "greeting", "find_product", "track_order", "returns", "stylist", "style_quiz", "shortlist",
    "help", "unknown"])}
INSERT_MESSAGE = (
    "INSERT INTO messages (conversation_id, position, role, text, blocks, at, intent, understood, "
    "misunderstood) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_TICKET = (
    "INSERT INTO tickets (reference, kind, created_at, conversation_id, name, email, details, "
    "transcript, shortlist, filters, products_shown, status, assignee_id, tags, awaiting_since, "
    "updated_at, order_number, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_CSAT = "INSERT INTO csat (conversation_id, score, comment, at) VALUES (?, ?, ?, ?)"
INSERT_STAFF = ("INSERT INTO staff_users (id, email, role, password_hash, created_at) "
                "VALUES (?, ?, ?, NULL, ?)")
INSERT_METRIC = ("INSERT INTO metric_minutes (minute, series, label, instance, value) "
                 "VALUES (?, ?, ?, ?, ?)")


def write(args):
    """Writes what a generating process sends, while it makes the next batch: SQLite on one
    core, Python on the other (threads would take turns on the GIL row by row)."""
    gc.disable()
    receive, send = multiprocessing.Pipe(duplex=False)
    producer = multiprocessing.Process(target=produce, args=(args, send), name="generate", daemon=True)
    producer.start()
    send.close()
    # Opened after the fork: the generating process never holds the database.
    conn = sqlite3.connect(args.database, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-%d" % (args.cache_mb * 1000))
    conn.execute("PRAGMA wal_autocheckpoint=%d" % args.checkpoint_pages)
    conn.execute("PRAGMA temp_store=MEMORY")
    t0 = time.time()
    last_report = t0
    n = args.conversations
    done = messages = tickets = ratings = 0
    pending = 0

    def next_item():
        try:
            return pickle.loads(receive.recv_bytes())
        except EOFError:
            producer.join()
            sys.exit("the generating process stopped (exit code %s)" % producer.exitcode)

    try:
        _, first, last, staff = next_item()
        print("generating %s conversations from %s to %s" % ("{:,}".format(n), first, last), flush=True)
        conn.execute("BEGIN")
        conn.executemany(INSERT_STAFF, staff)
        while True:
            item = next_item()
            if item[0] == "metrics":
                break
            _, convs, msgs, ticket_rows, csat_rows = item
            conn.executemany(INSERT_CONVERSATION, convs)
            conn.executemany(INSERT_MESSAGE, msgs)
            if ticket_rows:
                conn.executemany(INSERT_TICKET, ticket_rows)
            if csat_rows:
                conn.executemany(INSERT_CSAT, csat_rows)
            done += len(convs)
            messages += len(msgs)
            tickets += len(ticket_rows)
            ratings += len(csat_rows)
            pending += len(msgs)
            if pending >= args.transaction_rows:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                pending = 0
            now = time.time()
            if now - last_report >= 10:
                last_report = now
                rate = done / (now - t0)
                print("  %s conversations, %s messages, %.0f s, %.0f conversations/s, ~%.0f s to go"
                      % ("{:,}".format(done), "{:,}".format(messages), now - t0, rate, (n - done) / rate),
                      flush=True)
        conn.execute("COMMIT")
        t1 = time.time()
        print("conversations written in %.1f s" % (t1 - t0), flush=True)
        metric_rows = item[1]
        conn.execute("BEGIN")
        for i in range(0, len(metric_rows), 10_000):
            conn.executemany(INSERT_METRIC, metric_rows[i:i + 10_000])
        conn.execute("COMMIT")
        print("metric_minutes written in %.1f s" % (time.time() - t1), flush=True)
        # The shopper messages join the search index as the server's indexer would add them.
        t2 = time.time()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO messages_text (rowid, text) SELECT rowid, text FROM messages "
                     "WHERE role = 'shopper' AND rowid > (SELECT last_rowid FROM messages_text_indexed)")
        conn.execute("UPDATE messages_text_indexed SET last_rowid = (SELECT max(rowid) FROM messages)")
        conn.execute("COMMIT")
        print("messages indexed for search in %.1f s" % (time.time() - t2), flush=True)
    finally:
        receive.close()
        producer.join(timeout=5)
        if producer.is_alive():
            producer.terminate()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"conversations": done, "messages": messages, "tickets": tickets, "csat": ratings,
            "metric_minutes": len(metric_rows)}


def poisson(rng, mean):
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit = math.exp(-mean)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def season(month, day):
    """How busy a day of the year is, for a jewelry store."""
    if month == 1:
        return 0.75
    if month == 2:
        return 1.5 + 0.3 * (day >= 8) if day <= 14 else 0.85
    if month == 3:
        return 0.85
    if month == 4:
        return 0.95
    if month == 5:
        return 1.35 if day <= 11 else 1.0
    if month == 6:
        return 1.1
    if month in (7, 9):
        return 0.95
    if month == 8:
        return 0.9
    if month == 10:
        return 1.0
    if month == 11:
        return 2.2 if day >= 21 else 1.15
    # December
    if day <= 2:
        return 2.2
    if day <= 22:
        return 1.9
    if day <= 26:
        return 0.9
    return 0.8


def parse_now(text):
    if text is None:
        return time.time_ns()
    from datetime import datetime
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if at.tzinfo is None:
        sys.exit("--now needs a time zone, e.g. 2026-12-06T12:00:00Z")
    return int(at.timestamp()) * NS + at.microsecond * 1000


def main():
    parser = argparse.ArgumentParser(
        description="Fill a migrated Aurora SQLite database with a year of conversations, tickets, "
                    "ratings and 30 days of per-minute analytics.")
    parser.add_argument("database", help="the SQLite file, migrated (aurora migrate) and empty")
    parser.add_argument("--conversations", type=int, default=1_000_000,
                        help="how many conversations (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--now", help="the end of the year written (RFC 3339; default: now)")
    parser.add_argument("--metric-days", type=int, default=30,
                        help="days of metric_minutes before now (default 30)")
    parser.add_argument("--instance", default="bench", help="metric_minutes instance (default bench)")
    parser.add_argument("--batch", type=int, default=10_000,
                        help="message rows per executemany (default 10,000)")
    # Ten batches a transaction: the FTS5 index merges its segments (written at each commit)
    # far less often; at 10,000 rows a transaction the trigger's share of the time doubles.
    parser.add_argument("--transaction-rows", type=int, default=100_000,
                        help="message rows per transaction (default 100,000)")
    parser.add_argument("--cache-mb", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--checkpoint-pages", type=int, default=1000, help=argparse.SUPPRESS)
    parser.add_argument("--ticket-rate", type=float, default=0.10, help=argparse.SUPPRESS)
    parser.add_argument("--ticket-rating-rate", type=float, default=0.28, help=argparse.SUPPRESS)
    parser.add_argument("--end-rating-rate", type=float, default=0.34, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.conversations < 1:
        parser.error("--conversations must be at least 1")
    args.now_ns = parse_now(args.now)

    if not os.path.exists(args.database):
        sys.exit("%s does not exist: run `AURORA_DATABASE_URL=sqlite:%s aurora migrate` first"
                 % (args.database, args.database))
    conn = sqlite3.connect(args.database, isolation_level=None)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for needed in ("conversations", "messages", "messages_text", "tickets", "csat", "metric_minutes",
                   "staff_users"):
        if needed not in tables:
            sys.exit("%s has no table %s: migrate it first (aurora migrate)" % (args.database, needed))
    for table in ("conversations", "messages", "tickets", "csat", "metric_minutes", "staff_users"):
        if conn.execute("SELECT EXISTS (SELECT 1 FROM %s)" % table).fetchone()[0]:
            sys.exit("%s already has rows in %s: start from a freshly migrated database"
                     % (args.database, table))
    conn.close()

    t0 = time.time()
    c = write(args)
    elapsed = time.time() - t0
    size = os.path.getsize(args.database)
    print("done: %s conversations, %s messages, %s tickets, %s ratings, %s metric_minutes rows; "
          "%.1f MB; %.1f s" % tuple(["{:,}".format(c[k]) for k in ("conversations", "messages", "tickets",
                                                                   "csat", "metric_minutes")]
                                    + [size / 1e6, elapsed]))


if __name__ == "__main__":
    main()
