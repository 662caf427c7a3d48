-- Quick feedback surveys (issue 13). A survey is stored like a campaign: its moments, trigger,
-- targeting, recontact rule and questions are JSON whose schema is server/surveys/model.py.

-- A store's survey settings. A store without a row has the defaults (model.SurveySettings).
CREATE TABLE survey_settings (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    -- The fewest days between two different surveys shown to one visitor.
    min_gap_days INTEGER NOT NULL DEFAULT 14 CHECK (min_gap_days BETWEEN 0 AND 365),
    -- Which wins when an offer and a survey would show at the same moment.
    priority TEXT NOT NULL DEFAULT 'offers' CHECK (priority IN ('offers', 'surveys')),
    updated_at INTEGER NOT NULL
);

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,  -- srv_…
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    template TEXT NOT NULL DEFAULT 'blank',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'paused', 'ended')),
    starts_at INTEGER,
    ends_at INTEGER,
    moments TEXT NOT NULL,  -- JSON array of model.Moment
    trigger TEXT NOT NULL,  -- JSON offers.model.Trigger: the timing of the page moments
    targeting TEXT NOT NULL,  -- JSON offers.model.Targeting
    recontact TEXT NOT NULL,  -- JSON model.Recontact
    sample_percent INTEGER NOT NULL DEFAULT 100 CHECK (sample_percent BETWEEN 1 AND 100),
    questions TEXT NOT NULL,  -- JSON array of model.Question (options, branching, remedies)
    thanks TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX surveys_by_store ON surveys (store_id, status);

-- One showing of a survey to a visitor (or for an order): made when the survey is shown, then
-- started and completed as answers arrive one by one. It is the funnel, the partial save, the
-- frequency history and the point a survey resumes from. No personal data: ``page`` is a path
-- without its query, and an email is kept only as an answer given with consent.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,  -- rsp_…
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL,  -- '' when unknown (the order-status page)
    session_id TEXT NOT NULL DEFAULT '',
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    -- What showed it: an offers signal (exit_top … cart_idle), drawer_close, checkout_exit,
    -- confirmation or order_status.
    signal TEXT NOT NULL,
    page TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT 'unknown' CHECK (device IN ('desktop', 'phone', 'unknown')),
    cart_value INTEGER,  -- minor units as the widget saw the cart: a filter, never money
    utm_source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'shown' CHECK (status IN ('shown', 'started', 'completed')),
    -- The remedy offered with the completing answer (server/surveys/remedies.py).
    remedy_campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    remedy_arm TEXT,
    remedy_at INTEGER,
    shown_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER
);

CREATE INDEX survey_responses_by_survey ON survey_responses (survey_id, shown_at);
CREATE INDEX survey_responses_by_visitor ON survey_responses (store_id, visitor_id, shown_at);
-- One response per survey and order.
CREATE UNIQUE INDEX survey_responses_by_order ON survey_responses (survey_id, order_id)
    WHERE order_id IS NOT NULL;

-- An answer: one row per chosen option ('' for an answer that is not a choice, and for a
-- skipped question, whose row holds nothing but that it was passed). Answering a question
-- again replaces its rows.
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    option TEXT NOT NULL DEFAULT '',
    number INTEGER,  -- a score (rating, NPS, CES, CSAT)
    text TEXT,  -- free text, an option's "Other" text, or an email
    consent TEXT,  -- the exact wording agreed to; email answers only
    created_at INTEGER NOT NULL,
    PRIMARY KEY (response_id, question, option)
);
