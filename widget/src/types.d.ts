// Types shared by the loader and the app, and the concierge API's reply blocks
// (crates/core/src/concierge/blocks.rs is the source of truth).

export {};

declare global {
  /** Set by the build: the app bundle's content hash, so its URL changes with every build. */
  const __APP_VERSION__: string;

  interface Window {
    AuroraConcierge?: AuroraNamespace;
  }

  /** What the store's script tag configured, and what the loader worked out. */
  interface AuroraConfig {
    /** The concierge API's origin, without a trailing slash. */
    api: string;
    /** The store-signed identity JWT (`data-identity-token`), sent as X-Aurora-Identity. */
    identity?: string;
    /** How to reach the store when the concierge is paused (`data-contact`). */
    contact?: string;
    /** The bucketing id the rollout counts shoppers by. */
    bucket: string;
    /** Whether the loader drew the bucketing id itself (rather than `data-visitor-id`). */
    own: boolean;
  }

  /** The one global the widget defines: `window.AuroraConcierge`. */
  interface AuroraNamespace {
    config: AuroraConfig;
    /** The open shadow root everything is drawn in. */
    root: ShadowRoot;
    launcher: HTMLButtonElement;
    /** Queues a widget event (load, open, close) for the batched report. */
    track(type: 'load' | 'open' | 'close' | 'details' | 'shortlist'): void;
    /** Adds a stylesheet to the shadow root (constructable, so a strict CSP allows it). */
    adopt(css: string): void;
    /** Opens the panel (loading the app first if needed). */
    open(): void;
    close(): void;
    /** Sets or clears the signed identity after the shopper signs in or out. */
    identify(token?: string): void;
    app?: AuroraApp;
  }

  interface AuroraApp {
    open(): void;
    close(): void;
    readonly isOpen: boolean;
  }

  interface ProductCard {
    id: string;
    title: string;
    price: number;
    price_formatted: string;
    metal: string;
    metal_label: string;
    category: string;
    image_url: string;
    image_alt: string;
    ready_to_ship: boolean;
    url: string;
  }

  interface FilterChip { label: string; remove_action: string }
  interface QuickReply { label: string; action: string }
  interface Choice { value: string; label: string }

  type FieldType = 'text' | 'email' | 'tel' | 'textarea' | 'select' | 'radio' | 'checkboxes';

  interface Field {
    name: string;
    label: string;
    type: FieldType;
    required: boolean;
    max_length?: number;
    choices?: Choice[];
    value?: string;
    hint?: string;
    required_when?: { field: string; equals: string };
  }

  interface Form {
    form: string;
    title: string;
    endpoint: string;
    submit_label: string;
    fields: Field[];
  }

  interface TimelineEvent {
    status: string;
    label: string;
    at: string;
    carrier?: string;
    tracking_number?: string;
    tracking_url?: string;
    note?: string;
  }

  interface Timeline {
    order_number: string;
    status: string;
    status_label: string;
    events: TimelineEvent[];
    items: { title: string; quantity: number; ring_size?: string; made_to_order: boolean }[];
  }

  /** A store's own answer from its knowledge file: plain text (never HTML), its section title, and follow-up replies. */
  interface AnswerBlock {
    type: 'answer';
    /** Paragraphs separated by blank lines; lines starting with "- " are list items. */
    text: string;
    /** The knowledge file section the answer comes from. */
    source: string;
    follow_ups: QuickReply[];
  }

  type Block =
    | { type: 'text'; text: string }
    | { type: 'products'; products: ProductCard[]; total: number; filters: FilterChip[] }
    | { type: 'quick_replies'; replies: QuickReply[] }
    | AnswerBlock
    | ({ type: 'form' } & Form)
    | ({ type: 'order_timeline' } & Timeline)
    | { type: 'csat_prompt'; question: string }
    | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string };

  /** A form's values as submitted: text, or a list for checkboxes. */
  type Values = Record<string, string | string[]>;
}
