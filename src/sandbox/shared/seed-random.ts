/**
 * Deterministic demo data: a seeded PRNG (sfc32, seeded through splitmix32) and generators for
 * person and company names, addresses, emails, phone numbers and amounts in several languages and
 * scripts. The same seed always yields the same sequence, and the generators are cheap enough to
 * produce millions of rows (no allocation-heavy formatting, small fixed tables).
 */

export type Locale = 'en-US' | 'en-GB' | 'de-DE' | 'fr-FR' | 'es-ES' | 'ja-JP' | 'ar-SA';
export const LOCALES: readonly Locale[] = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP', 'ar-SA'];

interface LocaleData {
  given: string[];
  family: string[];
  /** Family name first (Japanese order). */
  familyFirst?: boolean;
  companyStems: string[];
  companySuffixes: string[];
  streets: string[];
  /** Format of a street line: number before or after the street name. */
  numberFirst: boolean;
  cities: { city: string; state: string; postal: (r: SeededRandom) => string }[];
  country: string;
  countryCode: string;
  phone: (r: SeededRandom) => string;
  emailDomain: string[];
  /** Latin transliterations for email local parts (index-aligned with given/family when non-Latin). */
  givenLatin?: string[];
  familyLatin?: string[];
  companyJoin: string;
}

/** splitmix32, used only to expand a single seed into the four sfc32 state words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX = '0123456789abcdef';

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const numeric = typeof seed === 'number' ? seed : hashString(seed);
    if (!Number.isFinite(numeric)) throw new Error(`seed must be a finite number or a string, got ${String(seed)}`);
    const mix = splitmix32(Math.trunc(numeric));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A child generator for an independent stream (e.g. one per table), still deterministic. */
  fork(label: string): SeededRandom {
    return new SeededRandom((this.nextUint32() ^ hashString(label)) >>> 0);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probabilityTrue = 0.5): boolean {
    return this.next() < probabilityTrue;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() needs a non-empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.nextUint32() % 10);
    return s;
  }

  /** A version-4-shaped GUID drawn from the stream. */
  guid(): string {
    let s = '';
    for (let i = 0; i < 4; i++) {
      let w = this.nextUint32();
      for (let j = 0; j < 8; j++) {
        s += HEX[w & 15];
        w >>>= 4;
      }
    }
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${HEX[8 + (this.nextUint32() & 3)]}${s.slice(17, 20)}-${s.slice(20, 32)}`;
  }

  /** A money amount with 2 decimals in [min, max]. */
  amount(min: number, max: number): number {
    return Math.round((min + this.next() * (max - min)) * 100) / 100;
  }

  /** An ISO timestamp between two dates. */
  dateTime(from: Date, to: Date): string {
    return new Date(from.getTime() + Math.floor(this.next() * (to.getTime() - from.getTime()))).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  locale(weights?: Partial<Record<Locale, number>>): Locale {
    if (!weights) return this.pick(LOCALES);
    const entries = Object.entries(weights) as [Locale, number][];
    const total = entries.reduce((n, [, w]) => n + w, 0);
    let x = this.next() * total;
    for (const [loc, w] of entries) {
      x -= w;
      if (x < 0) return loc;
    }
    return (entries[entries.length - 1] as [Locale, number])[0];
  }

  person(locale: Locale = 'en-US'): Person {
    const d = DATA[locale];
    const gi = Math.floor(this.next() * d.given.length);
    const fi = Math.floor(this.next() * d.family.length);
    const firstName = d.given[gi] as string;
    const lastName = d.family[fi] as string;
    const fullName = d.familyFirst ? `${lastName} ${firstName}` : `${firstName} ${lastName}`;
    const latinFirst = (d.givenLatin?.[gi] ?? firstName).toLowerCase();
    const latinLast = (d.familyLatin?.[fi] ?? lastName).toLowerCase();
    const email = `${asciiLocal(latinFirst)}.${asciiLocal(latinLast)}${this.int(1, 99)}@${this.pick(d.emailDomain)}`;
    return { firstName, lastName, fullName, email, phone: d.phone(this), locale };
  }

  companyName(locale: Locale = 'en-US'): string {
    const d = DATA[locale];
    const stem = this.bool(0.35) ? `${this.pick(d.family)}${d.companyJoin}${this.pick(d.companyStems)}` : this.pick(d.companyStems);
    return `${stem} ${this.pick(d.companySuffixes)}`.trim();
  }

  /** An email for a company domain derived from a name. */
  companyEmail(companyName: string): string {
    const slug = asciiLocal(companyName.toLowerCase()).replace(/\.+/g, '').slice(0, 20) || `co${this.digits(4)}`;
    return `${this.pick(['info', 'sales', 'contact', 'office', 'orders'])}@${slug}.example`;
  }

  address(locale: Locale = 'en-US'): Address {
    const d = DATA[locale];
    const street = this.pick(d.streets);
    const number = String(this.int(1, 250));
    const city = this.pick(d.cities);
    return {
      line1: d.numberFirst ? `${number} ${street}` : `${street} ${number}`,
      city: city.city,
      stateOrProvince: city.state,
      postalCode: city.postal(this),
      country: d.country,
      countryCode: d.countryCode,
    };
  }

  phone(locale: Locale = 'en-US'): string {
    return DATA[locale].phone(this);
  }
}

export interface Person {
  firstName: string;
  lastName: string;
  fullName: string;
  email: string;
  phone: string;
  locale: Locale;
}

export interface Address {
  line1: string;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  country: string;
  countryCode: string;
}

export function hashString(s: string): number {
  // FNV-1a 32-bit.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const ACCENTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', é: 'e', è: 'e', ê: 'e', ë: 'e', à: 'a', â: 'a', ç: 'c', î: 'i', ï: 'i', ô: 'o', û: 'u', ù: 'u', ñ: 'n', á: 'a', í: 'i', ó: 'o', ú: 'u' };

function asciiLocal(s: string): string {
  let out = '';
  for (const ch of s) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out += ch;
    else if (ACCENTS[ch]) out += ACCENTS[ch];
    else if (ch === ' ' || ch === '-' || ch === '.') out += '.';
  }
  return out;
}

const pad = (r: SeededRandom, n: number) => r.digits(n);

const DATA: Record<Locale, LocaleData> = {
  'en-US': {
    given: ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen', 'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Olivia', 'Ethan'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', "O'Brien"],
    companyStems: ['Contoso', 'Fabrikam', 'Northwind', 'Adventure Works', 'Tailspin', 'Litware', 'Proseware', 'Wingtip', 'Blue Yonder', 'Coho Winery', 'Alpine Ski House', 'Lakeshore', 'Summit', 'Redwood', 'Pinnacle', 'Harbor', 'Granite', 'Evergreen'],
    companySuffixes: ['Inc.', 'LLC', 'Corp.', 'Co.', 'Group', 'Holdings', 'Partners', 'Supply'],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Cedar Lane', 'Elm Street', 'Pine Road', 'Washington Blvd', 'Lake View Drive', 'Sunset Boulevard', 'Hillcrest Avenue'],
    numberFirst: true,
    cities: [
      { city: 'Seattle', state: 'WA', postal: (r) => `981${pad(r, 2)}` },
      { city: 'Redmond', state: 'WA', postal: () => '98052' },
      { city: 'Chicago', state: 'IL', postal: (r) => `606${pad(r, 2)}` },
      { city: 'Austin', state: 'TX', postal: (r) => `787${pad(r, 2)}` },
      { city: 'New York', state: 'NY', postal: (r) => `100${pad(r, 2)}` },
      { city: 'Atlanta', state: 'GA', postal: (r) => `303${pad(r, 2)}` },
      { city: 'Denver', state: 'CO', postal: (r) => `802${pad(r, 2)}` },
    ],
    country: 'United States',
    countryCode: 'USA',
    phone: (r) => `+1 ${r.int(201, 989)}-555-${pad(r, 4)}`,
    emailDomain: ['example.com', 'mail.example', 'contoso.example'],
    companyJoin: ' ',
  },
  'en-GB': {
    given: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Jack', 'Emily', 'Charlie', 'Sophie', 'Alfie', 'Grace', 'Freddie', 'Poppy'],
    family: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Hughes', 'Edwards'],
    companyStems: ['Thames', 'Albion', 'Windsor', 'Pennine', 'Cotswold', 'Mersey', 'Highland', 'Kingsway'],
    companySuffixes: ['Ltd', 'PLC', 'Trading Ltd', '& Sons'],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Road', 'Queens Road'],
    numberFirst: true,
    cities: [
      { city: 'London', state: 'Greater London', postal: (r) => `SW${r.int(1, 20)} ${r.int(1, 9)}AB` },
      { city: 'Manchester', state: 'Greater Manchester', postal: (r) => `M${r.int(1, 40)} ${r.int(1, 9)}QD` },
      { city: 'Leeds', state: 'West Yorkshire', postal: (r) => `LS${r.int(1, 28)} ${r.int(1, 9)}HT` },
      { city: 'Bristol', state: 'Bristol', postal: (r) => `BS${r.int(1, 40)} ${r.int(1, 9)}NR` },
    ],
    country: 'United Kingdom',
    countryCode: 'GBR',
    phone: (r) => `+44 20 7946 ${pad(r, 4)}`,
    emailDomain: ['example.co.uk', 'mail.example'],
    companyJoin: ' ',
  },
  'de-DE': {
    given: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Leon', 'Hannah', 'Felix', 'Sophie', 'Maximilian', 'Marie', 'Paul', 'Jürgen', 'Käthe', 'Günther', 'Björn'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Weiß', 'Größer'],
    companyStems: ['Rheinmetall', 'Nordlicht', 'Alpenblick', 'Hansa', 'Elbtal', 'Schwarzwald', 'Bergmann', 'Sonnenhof', 'Maschinenbau'],
    companySuffixes: ['GmbH', 'AG', 'GmbH & Co. KG', 'KG', 'e.K.'],
    streets: ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Lindenweg', 'Bergstraße', 'Königsallee'],
    numberFirst: false,
    cities: [
      { city: 'München', state: 'Bayern', postal: (r) => `80${pad(r, 3)}` },
      { city: 'Berlin', state: 'Berlin', postal: (r) => `10${pad(r, 3)}` },
      { city: 'Hamburg', state: 'Hamburg', postal: (r) => `20${pad(r, 3)}` },
      { city: 'Köln', state: 'Nordrhein-Westfalen', postal: (r) => `50${pad(r, 3)}` },
      { city: 'Düsseldorf', state: 'Nordrhein-Westfalen', postal: (r) => `40${pad(r, 3)}` },
    ],
    country: 'Deutschland',
    countryCode: 'DEU',
    phone: (r) => `+49 ${r.pick(['30', '40', '89', '221'])} ${pad(r, 7)}`,
    emailDomain: ['beispiel.de', 'example.de'],
    companyJoin: ' ',
  },
  'fr-FR': {
    given: ['Jean', 'Marie', 'Pierre', 'Camille', 'Louis', 'Chloé', 'Hugo', 'Léa', 'Étienne', 'Manon', 'François', 'Inès', 'Théo', 'Zoé'],
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Girard', 'Fontaine'],
    companyStems: ['Lumière', 'Provence', 'Atlantique', 'Bellevue', 'Rivoli', 'Montagne', 'Château', 'Horizon'],
    companySuffixes: ['SA', 'SARL', 'SAS', '& Fils', 'et Cie'],
    streets: ['rue de la Paix', 'avenue des Champs-Élysées', 'boulevard Saint-Michel', 'rue Victor Hugo', 'place de la République', 'rue du Faubourg'],
    numberFirst: true,
    cities: [
      { city: 'Paris', state: 'Île-de-France', postal: (r) => `750${pad(r, 2)}` },
      { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', postal: (r) => `6900${r.int(1, 9)}` },
      { city: 'Marseille', state: "Provence-Alpes-Côte d'Azur", postal: (r) => `130${pad(r, 2)}` },
      { city: 'Toulouse', state: 'Occitanie', postal: (r) => `310${pad(r, 2)}` },
    ],
    country: 'France',
    countryCode: 'FRA',
    phone: (r) => `+33 1 ${pad(r, 2)} ${pad(r, 2)} ${pad(r, 2)} ${pad(r, 2)}`,
    emailDomain: ['exemple.fr', 'example.fr'],
    companyJoin: ' ',
  },
  'es-ES': {
    given: ['Hugo', 'Lucía', 'Martín', 'Sofía', 'Pablo', 'María', 'Álvaro', 'Paula', 'Sergio', 'Carmen', 'Javier', 'Núria'],
    family: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz'],
    companyStems: ['Ibérica', 'Mediterráneo', 'Sol', 'Castilla', 'Andalucía', 'Galicia', 'Levante'],
    companySuffixes: ['S.A.', 'S.L.', 'y Asociados'],
    streets: ['Calle Mayor', 'Gran Vía', 'Paseo de la Castellana', 'Calle de Alcalá', 'Avenida Diagonal'],
    numberFirst: false,
    cities: [
      { city: 'Madrid', state: 'Madrid', postal: (r) => `280${pad(r, 2)}` },
      { city: 'Barcelona', state: 'Cataluña', postal: (r) => `080${pad(r, 2)}` },
      { city: 'Sevilla', state: 'Andalucía', postal: (r) => `410${pad(r, 2)}` },
    ],
    country: 'España',
    countryCode: 'ESP',
    phone: (r) => `+34 91 ${pad(r, 3)} ${pad(r, 2)} ${pad(r, 2)}`,
    emailDomain: ['ejemplo.es', 'example.es'],
    companyJoin: ' ',
  },
  'ja-JP': {
    given: ['太郎', '花子', '翔', '陽菜', '蓮', '結衣', '大翔', '美咲', '健太', '真央', '悠斗', 'さくら'],
    givenLatin: ['taro', 'hanako', 'sho', 'hina', 'ren', 'yui', 'hiroto', 'misaki', 'kenta', 'mao', 'yuto', 'sakura'],
    family: ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤'],
    familyLatin: ['sato', 'suzuki', 'takahashi', 'tanaka', 'ito', 'watanabe', 'yamamoto', 'nakamura', 'kobayashi', 'kato'],
    familyFirst: true,
    companyStems: ['富士', '東京電機', '大和', '日本精工', '桜', '北斗', '青葉', '三河'],
    companySuffixes: ['株式会社', '有限会社', '商事', '工業株式会社'],
    streets: ['丸の内', '西新宿', '梅田', '栄', '天神', '中央'],
    numberFirst: false,
    cities: [
      { city: '千代田区', state: '東京都', postal: (r) => `100-${pad(r, 4)}` },
      { city: '大阪市', state: '大阪府', postal: (r) => `530-${pad(r, 4)}` },
      { city: '名古屋市', state: '愛知県', postal: (r) => `460-${pad(r, 4)}` },
      { city: '福岡市', state: '福岡県', postal: (r) => `810-${pad(r, 4)}` },
    ],
    country: '日本',
    countryCode: 'JPN',
    phone: (r) => `+81 3-${pad(r, 4)}-${pad(r, 4)}`,
    emailDomain: ['example.jp', 'mail.example.jp'],
    companyJoin: '',
  },
  'ar-SA': {
    given: ['محمد', 'فاطمة', 'أحمد', 'نورة', 'عبدالله', 'سارة', 'خالد', 'مريم', 'عمر', 'ليلى'],
    givenLatin: ['mohammed', 'fatima', 'ahmed', 'noura', 'abdullah', 'sara', 'khalid', 'maryam', 'omar', 'layla'],
    family: ['العتيبي', 'القحطاني', 'الشمري', 'الحربي', 'الغامدي', 'الزهراني', 'الدوسري', 'المطيري'],
    familyLatin: ['alotaibi', 'alqahtani', 'alshammari', 'alharbi', 'alghamdi', 'alzahrani', 'aldosari', 'almutairi'],
    companyStems: ['النخبة', 'الرياض', 'الخليج', 'الصحراء', 'الأفق', 'الواحة', 'البحر الأحمر'],
    companySuffixes: ['للتجارة', 'المحدودة', 'القابضة', 'للصناعات'],
    streets: ['طريق الملك فهد', 'شارع العليا', 'طريق الأمير سلطان', 'شارع التحلية'],
    numberFirst: false,
    cities: [
      { city: 'الرياض', state: 'منطقة الرياض', postal: (r) => `1${pad(r, 4)}` },
      { city: 'جدة', state: 'منطقة مكة المكرمة', postal: (r) => `2${pad(r, 4)}` },
      { city: 'الدمام', state: 'المنطقة الشرقية', postal: (r) => `3${pad(r, 4)}` },
    ],
    country: 'المملكة العربية السعودية',
    countryCode: 'SAU',
    phone: (r) => `+966 5${r.int(0, 9)} ${pad(r, 3)} ${pad(r, 4)}`,
    emailDomain: ['example.sa', 'mail.example.sa'],
    companyJoin: ' ',
  },
};
