"""Writes a synthetic jewelry catalog of N products as JSON Lines (aurora's import format)."""
import json
import random
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
rng = random.Random(42)
categories = {
    "rings": ["Solitaire Ring", "Eternity Band", "Signet Ring", "Stacking Ring", "Halo Ring"],
    "necklaces": ["Pendant Necklace", "Chain Necklace", "Locket", "Choker", "Lariat"],
    "earrings": ["Stud Earrings", "Hoop Earrings", "Drop Earrings", "Huggies", "Climbers"],
    "bracelets": ["Tennis Bracelet", "Bangle", "Cuff", "Chain Bracelet", "Charm Bracelet"],
}
metals = {
    "yellow_gold": "Yellow Gold",
    "white_gold": "White Gold",
    "rose_gold": "Rose Gold",
    "platinum": "Platinum",
    "silver": "Sterling Silver",
}
stones = ["Diamond", "Sapphire", "Emerald", "Ruby", "Pearl", "Opal", "Topaz", "Moissanite"]
styles = ["classic", "modern", "vintage", "minimalist", "bold", "romantic"]
for i in range(count):
    category = rng.choice(list(categories))
    metal = rng.choice(list(metals))
    stone = rng.choice(stones)
    kind = rng.choice(categories[category])
    title = f"{metals[metal]} {stone} {kind} No. {i}"
    slug = f"bench-{i}"
    print(json.dumps({
        "id": slug,
        "title": title,
        "description": f"A {stone.lower()} {kind.lower()} in {metals[metal].lower()}.",
        "category": category,
        "metal": metal,
        "price_cents": rng.randrange(4900, 1500000, 100),
        "ready_to_ship": rng.random() < 0.35,
        "styles": rng.sample(styles, 2),
        "image_url": f"/static/catalog/{slug}.jpg",
        "image_alt": title,
        "url": f"/products/{slug}",
    }))
