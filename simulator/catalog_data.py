"""Static vocabulary of the simulated marketplace: category tree, product nouns, options, places, names.

Per leaf category: typical price (minor units), price elasticity range, and a yearly season (peak day of year,
amplitude). These are the ground-truth knobs pricing and forecasting models should rediscover.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    name: str
    nouns: tuple[str, ...]
    price_minor: int  # median list price
    elasticity: tuple[float, float]  # range the category's elasticity is drawn from (negative)
    season_peak: int  # day of year demand peaks
    season_amp: float  # 0 = flat year, 0.5 = ±50 %


@dataclass(frozen=True)
class Top:
    name: str
    option: tuple[str, tuple[str, ...]]  # variant axis, e.g. ("Color", (...))
    leaves: tuple[Leaf, ...]


WINTER, SPRING, SUMMER, AUTUMN, XMAS = 15, 105, 190, 280, 350

TREE: tuple[Top, ...] = (
    Top("Electronics", ("Color", ("Black", "Silver", "White", "Blue")), (
        Leaf("Phones", ("Smartphone", "Phone Case", "Charger"), 39_900, (-1.6, -1.1), XMAS, 0.25),
        Leaf("Laptops", ("Laptop", "Ultrabook", "Laptop Stand"), 89_900, (-1.4, -0.9), AUTUMN - 40, 0.2),
        Leaf("Audio", ("Headphones", "Earbuds", "Speaker"), 12_900, (-1.9, -1.3), XMAS, 0.3),
        Leaf("Cameras", ("Camera", "Lens", "Tripod"), 45_900, (-1.5, -1.0), SUMMER, 0.2),
    )),
    Top("Home", ("Color", ("Oak", "Walnut", "White", "Grey")), (
        Leaf("Kitchen", ("Knife Set", "Blender", "Skillet", "Kettle"), 5_900, (-1.8, -1.2), XMAS, 0.15),
        Leaf("Furniture", ("Chair", "Desk", "Bookshelf", "Side Table"), 19_900, (-1.3, -0.8), SPRING, 0.15),
        Leaf("Decor", ("Lamp", "Vase", "Wall Art", "Candle"), 3_900, (-2.2, -1.5), XMAS, 0.35),
        Leaf("Bedding", ("Duvet", "Pillow", "Sheet Set"), 7_900, (-1.7, -1.1), WINTER, 0.25),
    )),
    Top("Fashion", ("Size", ("S", "M", "L", "XL")), (
        Leaf("Men", ("Jacket", "Shirt", "Jeans", "Sweater"), 5_900, (-2.4, -1.6), AUTUMN, 0.3),
        Leaf("Women", ("Dress", "Blouse", "Coat", "Skirt"), 6_900, (-2.5, -1.7), SPRING, 0.3),
        Leaf("Shoes", ("Sneakers", "Boots", "Sandals", "Loafers"), 8_900, (-2.0, -1.4), SUMMER, 0.3),
        Leaf("Accessories", ("Scarf", "Belt", "Wallet", "Sunglasses"), 2_900, (-2.3, -1.5), XMAS, 0.3),
    )),
    Top("Sports", ("Size", ("S", "M", "L")), (
        Leaf("Fitness", ("Yoga Mat", "Dumbbells", "Resistance Band"), 3_900, (-1.9, -1.3), WINTER + 5, 0.45),
        Leaf("Outdoor", ("Tent", "Backpack", "Sleeping Bag", "Hiking Poles"), 12_900, (-1.6, -1.0), SUMMER, 0.55),
        Leaf("Cycling", ("Helmet", "Bike Light", "Cycling Gloves"), 4_900, (-1.7, -1.1), SUMMER - 30, 0.5),
    )),
    Top("Beauty", ("Size", ("50 ml", "100 ml", "200 ml")), (
        Leaf("Skincare", ("Moisturizer", "Serum", "Cleanser"), 2_900, (-1.5, -0.9), WINTER, 0.15),
        Leaf("Makeup", ("Lipstick", "Mascara", "Foundation"), 1_900, (-1.8, -1.2), XMAS, 0.25),
        Leaf("Fragrance", ("Eau de Parfum", "Cologne", "Body Mist"), 6_900, (-1.3, -0.7), XMAS, 0.5),
    )),
    Top("Toys", ("Age", ("3+", "6+", "9+")), (
        Leaf("Building", ("Building Set", "Blocks", "Marble Run"), 4_900, (-1.6, -1.0), XMAS, 0.7),
        Leaf("Games", ("Board Game", "Puzzle", "Card Game"), 2_900, (-1.8, -1.2), XMAS, 0.6),
    )),
    Top("Books", ("Format", ("Hardcover", "Paperback", "Ebook")), (
        Leaf("Fiction", ("Novel", "Thriller", "Anthology"), 1_900, (-1.2, -0.6), SUMMER, 0.2),
        Leaf("Non-fiction", ("Biography", "Cookbook", "Guide"), 2_400, (-1.1, -0.5), XMAS, 0.25),
    )),
)

ADJECTIVES = ("Classic", "Pro", "Urban", "Eco", "Ultra", "Compact", "Premium", "Everyday", "Nordic", "Vintage",
              "Smart", "Essential", "Deluxe", "Studio", "Trail", "Aero", "Lumen", "Terra", "Nova", "Summit")
BRAND_PARTS = (("Acme", "Bolt", "Cora", "Dune", "Echo", "Fable", "Gala", "Helix", "Iris", "Juno", "Kite", "Lyra",
                "Mako", "Nimbus", "Orro", "Pika", "Quill", "Rove", "Sola", "Tidal"),
               ("Works", "Labs", "& Co", "Goods", "Studio", "House", "Gear", "Supply", "Craft", "Line"))
VENDOR_WORDS = (("Blue", "Red", "Green", "Golden", "Silver", "North", "South", "Happy", "Bright", "Little", "Grand",
                 "Wild", "Quiet", "Royal", "Modern", "Old Town", "River", "Maple", "Cedar", "Harbor"),
                ("Market", "Outlet", "Emporium", "Boutique", "Depot", "Store", "Shop", "Trading", "Corner", "Bazaar"))
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "proton.me", "hotmail.com")
THROWAWAY_DOMAINS = ("mailinator.com", "tempmail.dev", "guerrillamail.com")
SEARCH_SUFFIXES = ("", " cheap", " best", " sale", " gift", " black", " review", " 2024")

# (city, country, postal code prefix); the home market is the US, a minority shop cross-border.
CITIES: tuple[tuple[str, str, str], ...] = (
    ("New York", "US", "100"), ("Los Angeles", "US", "900"), ("Chicago", "US", "606"), ("Houston", "US", "770"),
    ("Phoenix", "US", "850"), ("Philadelphia", "US", "191"), ("San Antonio", "US", "782"), ("San Diego", "US", "921"),
    ("Dallas", "US", "752"), ("Austin", "US", "787"), ("Seattle", "US", "981"), ("Denver", "US", "802"),
    ("Boston", "US", "021"), ("Miami", "US", "331"), ("Atlanta", "US", "303"), ("Portland", "US", "972"),
    ("Toronto", "CA", "M5V"), ("Vancouver", "CA", "V6B"), ("London", "GB", "EC1"), ("Manchester", "GB", "M1"),
    ("Berlin", "DE", "101"), ("Munich", "DE", "803"), ("Paris", "FR", "750"), ("Amsterdam", "NL", "101"),
)
CITY_WEIGHTS = (9, 7, 6, 5, 4, 4, 3, 3, 4, 3, 4, 3, 3, 3, 3, 2, 3, 2, 3, 2, 2, 1, 2, 1)
# Countries stolen cards come from, and where fraud ships to (drop addresses).
FRAUD_CARD_COUNTRIES = ("GB", "DE", "FR", "BR", "NG", "ID", "RO", "VN", "IN", "PH")
DROP_CITIES: tuple[tuple[str, str, str], ...] = (
    ("Miami", "US", "331"), ("Newark", "US", "071"), ("Los Angeles", "US", "900"), ("Houston", "US", "770"),
)
