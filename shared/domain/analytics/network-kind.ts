/**
 * What kind of network an address belongs to. Only a `business` network says which organisation
 * is visiting: an ISP, a mobile carrier or a hosting provider carries anyone's traffic, so its
 * name says nothing about the visitor and is counted as "unidentified" (SPEC §3, "What is kept").
 */
export type NetworkKind = 'business' | 'isp' | 'mobile' | 'hosting';

/**
 * Autonomous systems known by number, for the largest carriers and clouds whose names the word
 * lists below might miss. Sources: each operator's published ASNs (PeeringDB).
 */
export const KNOWN_NETWORKS: Readonly<Record<number, Exclude<NetworkKind, 'business'>>> = {
  // US and Canadian ISPs
  7922: 'isp', // Comcast
  20115: 'isp', // Charter (Spectrum)
  7018: 'isp', // AT&T
  701: 'isp', // Verizon
  22773: 'isp', // Cox
  209: 'isp', // CenturyLink / Lumen
  3356: 'isp', // Level 3 / Lumen
  5650: 'isp', // Frontier
  812: 'isp', // Rogers
  577: 'isp', // Bell Canada
  6939: 'isp', // Hurricane Electric
  // Mobile carriers
  22394: 'mobile', // Verizon Wireless
  21928: 'mobile', // T-Mobile US
  20057: 'mobile', // AT&T Mobility
  // Clouds, hosting and CDNs
  16509: 'hosting', // Amazon (AWS)
  14618: 'hosting', // Amazon (AWS)
  15169: 'hosting', // Google
  396982: 'hosting', // Google Cloud
  8075: 'hosting', // Microsoft (Azure)
  13335: 'hosting', // Cloudflare
  20940: 'hosting', // Akamai
  16625: 'hosting', // Akamai
  54113: 'hosting', // Fastly
  14061: 'hosting', // DigitalOcean
  63949: 'hosting', // Linode / Akamai
  16276: 'hosting', // OVH
  24940: 'hosting', // Hetzner
  20473: 'hosting', // Vultr (Choopa)
  31898: 'hosting', // Oracle Cloud
  45102: 'hosting', // Alibaba Cloud
  132203: 'hosting', // Tencent Cloud
  8560: 'hosting', // IONOS
  60781: 'hosting', // Leaseweb
  9009: 'hosting', // M247
  19281: 'hosting', // Quad9 (public DNS resolvers)
  17557: 'isp', // Pakistan Telecommunication (its registered name is misspelt)
};

/** Words in a network's name that mark a mobile carrier (matched as whole words, any case). */
export const MOBILE_WORDS = [
  'mobile',
  'mobility',
  'wireless',
  'cellular',
  'gsm',
  'lte',
  '5g',
  'vodafone',
  't-mobile',
  'airtel',
  'jio',
  'movil',
  'móvil',
  'selular',
  'cell',
  'cellcom',
  'turkcell',
  'vodacom',
  'safaricom',
  'mtn',
  'ooredoo',
  'megafon',
  'vimpelcom',
  'beeline',
  'radiotelephone',
];

/** Words that mark a hosting provider, cloud, CDN or data centre. */
export const HOSTING_WORDS = [
  'hosting',
  'host',
  'hoster',
  'cloud',
  'datacenter',
  'datacentre',
  'data center',
  'data centre',
  'server',
  'servers',
  'vps',
  'colo',
  'colocation',
  'cdn',
  'amazon',
  'aws',
  'google',
  'microsoft',
  'azure',
  'cloudflare',
  'akamai',
  'fastly',
  'digitalocean',
  'linode',
  'ovh',
  'hetzner',
  'vultr',
  'choopa',
  'leaseweb',
  'contabo',
  'scaleway',
  'rackspace',
  'godaddy',
  'ionos',
  'hostinger',
  'oracle',
  'alibaba',
  'tencent',
  'zscaler',
  'incapsula',
  'm247',
  'psychz',
  'quadranet',
  'colocrossing',
  'equinix',
  'volcano engine',
  'byteplus',
  'bytedance',
  'dimension data',
  't-systems',
  'quad9',
  'hostroyale',
  'tietoevry',
];

/** Words that mark an internet service provider, telco or transit carrier. */
export const ISP_WORDS = [
  'telecom',
  'telekom',
  'telecommunication',
  'telecommunications',
  'telecomunicacoes',
  'telecomunicaciones',
  'telefonica',
  'telephone',
  'communications',
  'comunicaciones',
  'broadband',
  'cable',
  'cablevision',
  'internet',
  'isp',
  'dsl',
  'fiber',
  'fibre',
  'satellite',
  'starlink',
  'comcast',
  'charter',
  'spectrum',
  'verizon',
  'at&t',
  'centurylink',
  'lumen',
  'frontier',
  'windstream',
  'mediacom',
  'altice',
  'optimum',
  'rogers',
  'shaw',
  'telus',
  'bell canada',
  'orange',
  'telstra',
  'telia',
  'virgin media',
  'sky broadband',
  'british telecommunications',
  'deutsche telekom',
  'claro',
  'movistar',
  'cogent',
  'zayo',
  'level 3',
  'hurricane electric',
  'ntt',
  'kddi',
  'softbank',
  'chinanet',
  'china unicom',
  'china mobile',
  'communication',
  'comunicacoes',
  'comunicações',
  'telekomunikasi',
  'telekomunikasyon',
  'telekomunikacije',
  'iletisim',
  'telco',
  'network service provider',
  'banda ancha',
  'telenor',
  'telenet',
  'tele2',
  'telkom',
  'telmex',
  'singtel',
  'optus',
  'kpn',
  'swisscom',
  'proximus',
  'fastweb',
  'sfr',
  'free sas',
  'sky uk',
  'etisalat',
  'mts pjsc',
  'bezeq',
  'liberty global',
  'vocus',
  'videotron',
  'brightspeed',
  'rcn',
  'viettel',
  'vnpt',
  'indosat',
  'pccw',
  'colt technology',
  'allstream',
  'versatel',
  'odido',
  'axtel',
  'cantv',
  'uninet',
  'powercomm',
  'lg dacom',
  'biglobe',
  'asahi net',
  'freebit',
  'jcom',
  'optage',
  'arteria networks',
  'tim s/a',
  'te-as',
  'wind tre',
  'itissalat',
  'bharat sanchar',
  'tdc holding',
  'comcel',
  'inter-exchange',
  'tm technology services',
  'v tal',
  'sunrise gmbh',
  'dna oyj',
  'globalconnect',
  'digi romania',
  'netia',
  'p4 sp. z o.o.',
  'linkdotnet',
  'o2 czech republic',
  'wana corporate',
  'tot public',
  'dacom',
  'viasat',
  'lyse tele',
  'inteliquent',
  'eircom',
  'seacom',
  'scancom',
  'breezeline',
  // Research and education networks carry the traffic of many institutions, as an ISP does.
  'forschungsnetzes',
  'research network',
  'education network',
  'academic network',
  'education and research',
  'research and education',
  'surf b.v.',
  'jisc',
  'garr',
  'renater',
  'switch',
  'cenic',
  'merit network',
  'heanet',
  'mcnc',
  'red.es',
  'risq',
  'interuniversity',
  'sikt',
];
/**
 * Word stems that mark a telco wherever they stand in a name, inside a longer word too
 * (`Rostelecom`, `Kazakhtelecom`, `Türk Telekomunikasyon`).
 */
export const ISP_STEMS = ['telecom', 'telekom', 'telecomunica', 'telecommunica'];

const wordPattern = (words: readonly string[]) =>
  new RegExp(
    `(^|[^\\p{L}\\p{N}])(${words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})($|[^\\p{L}\\p{N}])`,
    'iu',
  );

const MOBILE = wordPattern(MOBILE_WORDS);
const HOSTING = wordPattern(HOSTING_WORDS);
const ISP = wordPattern(ISP_WORDS);
const ISP_STEM = new RegExp(ISP_STEMS.join('|'), 'iu');

/**
 * Classifies a network by its autonomous system number and its owner's name: a known ASN first,
 * then the word lists (mobile before hosting before ISP, so that "Vodafone Cable" is a carrier).
 * Anything unmatched is taken for a business, the organisation that owns the network.
 */
export function classifyNetwork(asn: number, name: string): NetworkKind {
  const known = KNOWN_NETWORKS[asn];
  if (known) return known;
  if (MOBILE.test(name)) return 'mobile';
  if (HOSTING.test(name)) return 'hosting';
  if (ISP.test(name) || ISP_STEM.test(name)) return 'isp';
  return 'business';
}
