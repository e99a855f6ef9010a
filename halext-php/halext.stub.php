<?php

/**
 * IDE stub for the halext PHP extension (`extension=libhalext_php.so`, module name `halext`).
 *
 * Declarations only: never include this file when the extension is loaded. It is checked
 * against `new ReflectionExtension('halext')` by tests/php/StubTest.php (functions, classes,
 * methods, parameters, attributes, return types, constants and properties), so it cannot go
 * stale. Debug builds also expose `Halext\Debug\*` test hooks, which are not part of the
 * API and not listed here. See docs/php-api.md.
 */

namespace Halext {

    /**
     * Base of every halext exception, and the class of the general codes (0–99).
     *
     * `getCode()` is a stable number from halext's code table (`halext_error_codes()`),
     * `getReason()` its stable dotted name. Catch order: a capability class
     * (`TokenException`, …) before `Halext\Exception` before `\Exception`.
     * Messages never contain a secret, a password or a whole token.
     */
    class Exception extends \Exception
    {
        /** `internal`: A bug inside halext (including a caught panic). Please report it. */
        public const INTERNAL = 1;
        /** `invalid_argument`: An argument was invalid (null pointer, bad UTF-8, unknown option, out-of-range value). */
        public const INVALID_ARGUMENT = 2;
        /** `config`: The configuration is invalid or incomplete (missing secret, bad URL, unreadable file). */
        public const CONFIG = 3;
        /** `io`: A local I/O operation failed (reading a key file, writing an export). */
        public const IO = 4;

        /**
         * The stable dotted name of `getCode()`, e.g. `"token.expired"`; `"unknown"` when the
         * code is not a halext code (e.g. an exception constructed by PHP code with code 0).
         */
        public function getReason(): string {}
    }

    /** Token validation failed (codes 100–199). */
    class TokenException extends Exception
    {
        /** `token.malformed`: The token is not a well-formed compact JWS (RFC 7515 §7.1) or its JSON is invalid. */
        public const MALFORMED = 100;
        /** `token.too_large`: The token is larger than the validator's configured maximum size. */
        public const TOO_LARGE = 101;
        /** `token.algorithm`: The token's `alg` is `none`, unsupported, not allowed by the validator, or does not match the algorithm of the selected key (RFC 8725 §3.1). */
        public const ALGORITHM = 102;
        /** `token.bad_signature`: The signature does not verify with the selected key. */
        public const BAD_SIGNATURE = 103;
        /** `token.expired`: `exp` is in the past (beyond the leeway). RFC 7519 §4.1.4. */
        public const EXPIRED = 104;
        /** `token.not_yet_valid`: `nbf` (or `iat`, when configured) is in the future (beyond the leeway). RFC 7519 §4.1.5. */
        public const NOT_YET_VALID = 105;
        /** `token.wrong_issuer`: `iss` does not match the configured issuer. RFC 7519 §4.1.1. */
        public const WRONG_ISSUER = 106;
        /** `token.wrong_audience`: `aud` does not contain the configured audience (or is present when none is expected). RFC 7519 §4.1.3. */
        public const WRONG_AUDIENCE = 107;
        /** `token.missing_claim`: A required claim is absent. */
        public const MISSING_CLAIM = 108;
        /** `token.invalid_claim`: A claim has the wrong type or an out-of-range value (e.g. a string `exp`). */
        public const INVALID_CLAIM = 109;
        /** `token.unknown_kid`: The token's `kid` names no key in the key set (after a refresh, for a JWKS URL). */
        public const UNKNOWN_KID = 110;
        /** `token.key_set_unavailable`: The JWKS could not be fetched or parsed and no previously good key set is cached. */
        public const KEY_SET_UNAVAILABLE = 111;
        /** `token.unsupported_crit`: The header lists a `crit` extension the validator does not understand (RFC 7515 §4.1.11). */
        public const UNSUPPORTED_CRIT = 112;
        /** `token.invalid_key`: The key material is unusable (bad PEM/DER, a shared secret that is too short, ...). */
        public const INVALID_KEY = 113;
    }

    /** A Halext API call failed (codes 200–299). */
    class ApiException extends Exception
    {
        /** `api.unauthorized`: HTTP 401: no, invalid or expired token; bad login; missing access code. */
        public const UNAUTHORIZED = 200;
        /** `api.forbidden`: HTTP 403: admin-only route or not the owner. */
        public const FORBIDDEN = 201;
        /** `api.not_found`: HTTP 404: missing object or unknown route. */
        public const NOT_FOUND = 202;
        /** `api.conflict`: HTTP 400 business-rule rejection, such as "Email already registered". */
        public const CONFLICT = 203;
        /** `api.validation`: HTTP 422: request validation failed; carries field errors. */
        public const VALIDATION = 204;
        /** `api.rate_limited`: HTTP 429: rate limited; carries `Retry-After` when the server sent it. */
        public const RATE_LIMITED = 205;
        /** `api.server`: HTTP 5xx (or another unexpected status); carries the status and a body excerpt. */
        public const SERVER = 206;
        /** `api.timeout`: The request did not complete within the configured timeout. */
        public const TIMEOUT = 207;
        /** `api.connect`: The connection could not be established (refused, DNS, TLS handshake). */
        public const CONNECT = 208;
        /** `api.decode`: The response body could not be decoded into the expected shape. */
        public const DECODE = 209;
        /** `api.transport`: The connection broke after it was established (reset, truncated body). */
        public const TRANSPORT = 210;
        /** `api.request`: The request was refused before sending (e.g. an upload over the size limit). */
        public const REQUEST = 211;

        /** @var int|null HTTP status of the response, null when no response was received. */
        protected $status = null;

        /** @var array Field errors of a 422 response (Halext's `detail` list), `[]` otherwise. */
        protected $fieldErrors = [];

        /** @var int|null `Retry-After` of a 429 response in seconds, null when absent. */
        protected $retryAfter = null;

        /** HTTP status of the response, or null when no response was received (timeout, connect). */
        public function getStatus(): ?int {}

        /**
         * Field errors of a 422 response, as Halext's `detail` list
         * (`[['loc' => ['body', 'email'], 'msg' => '…', 'type' => '…'], …]`); `[]` otherwise.
         */
        public function getFieldErrors(): array {}

        /** `Retry-After` of a 429 response, in seconds; null when the server sent none. */
        public function getRetryAfter(): ?int {}
    }

    /** A legacy user source or password hash failed (codes 300–399). */
    class LegacyException extends Exception
    {
        /** `legacy.database`: A legacy database could not be reached or a query failed. */
        public const DATABASE = 300;
        /** `legacy.schema`: A legacy table does not match its site profile (missing column, wrong type). */
        public const SCHEMA = 301;
        /** `legacy.decode`: A legacy row could not be decoded (charset, date, type). */
        public const DECODE = 302;
        /** `legacy.unknown_hash_format`: A stored password hash has a format no supported scheme recognises. */
        public const UNKNOWN_HASH_FORMAT = 303;
        /** `legacy.unusable_hash`: A stored password hash is recognised but unusable (truncated bcrypt, empty-password sentinel, md5 scheme without its salts configured). */
        public const UNUSABLE_HASH = 304;
    }

    /** Mapping store or migration failed (codes 400–499). */
    class MigrationException extends Exception
    {
        /** `migration.invalid_credentials`: Unknown user or wrong password: deliberately the same code for both. */
        public const INVALID_CREDENTIALS = 400;
        /** `migration.account_blocked`: The legacy account may not log in (banned, closed, deleted, spam). */
        public const ACCOUNT_BLOCKED = 401;
        /** `migration.halext_unavailable`: Halext could not be reached and the policy does not allow a legacy-only login. */
        public const HALEXT_UNAVAILABLE = 402;
        /** `migration.conflict`: The mapping for this user is in conflict and needs an operator decision. */
        public const CONFLICT = 403;
        /** `migration.duplicate_username`: Halext already has an account with this username. */
        public const DUPLICATE_USERNAME = 404;
        /** `migration.duplicate_email`: Halext already has an account with this email. */
        public const DUPLICATE_EMAIL = 405;
        /** `mapping.store`: The mapping store (the `halext_user_map` table) failed. */
        public const MAPPING_STORE = 406;
        /** `mapping.not_found`: No mapping exists for the requested user. */
        public const MAPPING_NOT_FOUND = 407;
        /** `migration.interrupted`: A long-running job was interrupted (Ctrl-C); it can be resumed. */
        public const INTERRUPTED = 408;
    }

    /**
     * Validates JWTs with one configuration: Halext access tokens (the default profile),
     * OpenWebUI SSO tokens, or any JWT signed with HS*, RS*, PS*, ES256/384 or EdDSA keys from a
     * secret, PEM public keys, a JWKS document or a JWKS URL (with caching and key rotation).
     *
     * Validators are kept per process: constructing one with the same options on the next
     * request (the usual pattern) gives back the same underlying validator, so its caches (a
     * token validated once is cheaper the next time; a fetched JWKS is reused) survive across
     * requests of a PHP-FPM worker. Not cloneable, not serialisable.
     *
     * Options (all optional; unknown options and wrong types throw `Halext\Exception` CONFIG):
     * - `profile`: `'halext'` (default: HS256, claims `sub` + `exp`), `'openwebui'` (HS256,
     *   `iss` = `halext-org`, `user_id`, `username`, `email`, `iat`, `exp`), `'jwt'` (anything,
     *   configured by the options below);
     * - `secret`: HMAC secret (string). Default for `halext`: INI `halext.jwt_secret[_file]` /
     *   env `HALEXT_JWT_SECRET[_FILE]`; for `openwebui`: `halext.openwebui_secret[_file]` /
     *   `HALEXT_OPENWEBUI_SECRET[_FILE]`; none for `jwt`;
     * - `public_key_pem` (string|string[]), `jwks` (JSON string), `jwks_url` (https) — `jwt` only;
     * - `algorithms` (string[], required for `jwt`), `issuer` and `audience` (string|string[]) —
     *   `jwt` only;
     * - `leeway` (int seconds, default 0), `required_claims` (string[]), `max_token_bytes`
     *   (int, default 8192), `allow_short_secret` (bool: accept a secret under 32 bytes),
     *   `allow_missing_exp` (bool: accept tokens without `exp`);
     * - `jwks_ttl` (int seconds, default 300), `jwks_min_refresh_interval` (int seconds,
     *   default 30), `jwks_timeout_ms` (int, default 5000), `allow_http_jwks` (bool: plain
     *   `http://` for loopback hosts, tests only) — with `jwks_url` only.
     */
    final class TokenValidator
    {
        /**
         * @param array $options see the class description; `secret` is marked sensitive.
         * @throws Exception CONFIG for an unknown option, a wrong type, an option the profile does
         *         not accept, or no secret for `halext`/`openwebui`.
         * @throws TokenException INVALID_KEY for unusable key material (secret under 32 bytes
         *         without `allow_short_secret`, bad PEM, bad JWKS document).
         */
        public function __construct(#[\SensitiveParameter] array $options = []) {}

        /**
         * A validator for Halext access tokens (`['profile' => 'halext', 'secret' => $secret]`);
         * `null` takes the secret from INI `halext.jwt_secret[_file]` / env `HALEXT_JWT_SECRET[_FILE]`.
         *
         * @throws Exception CONFIG when no secret is given or configured.
         * @throws TokenException INVALID_KEY for a secret under 32 bytes.
         */
        public static function halext(#[\SensitiveParameter] ?string $secret = null): TokenValidator {}

        /**
         * A validator for OpenWebUI SSO tokens (`['profile' => 'openwebui', 'secret' => $secret]`);
         * `null` takes the secret from INI `halext.openwebui_secret[_file]` / env
         * `HALEXT_OPENWEBUI_SECRET[_FILE]`.
         *
         * @throws Exception CONFIG when no secret is given or configured.
         * @throws TokenException INVALID_KEY for a secret under 32 bytes.
         */
        public static function openWebUi(#[\SensitiveParameter] ?string $secret = null): TokenValidator {}

        /**
         * Validates `$jwt` (the compact token, without `Bearer `) and returns its claims:
         * registered claims first (`iss`, `sub`, `aud` as a list, `exp`, `nbf`, `iat` as int
         * seconds, `jti`), then the others by name, e.g. `['sub' => 'alice', 'exp' => 1764432000]`.
         *
         * @return array<string, mixed>
         * @throws TokenException with the reason as its code (`EXPIRED`, `BAD_SIGNATURE`,
         *         `MALFORMED`, `ALGORITHM`, `KEY_SET_UNAVAILABLE`, …; see the constants); the
         *         message never contains the token.
         */
        public function validate(#[\SensitiveParameter] string $jwt): array {}
    }

    /**
     * The Halext API client: every route a PHP site needs, arrays in, arrays out.
     *
     * One object per process is enough, and constructing one per request costs microseconds:
     * the underlying client is kept per process by its options (secrets only as SHA-256), so
     * `new Client($sameOptions)` in the next request of a PHP-FPM worker reuses its keep-alive
     * connection to Halext and its remote-validation cache. Fork-safe (`pcntl_fork`, FPM
     * workers): each process opens its own connection on first use.
     *
     * Options (each falls back to INI, then the environment; unknown options throw
     * `Halext\Exception` CONFIG):
     * - `url`: base URL, with or without `/api` (INI `halext.url`, env `HALEXT_URL`); required;
     * - `access_code`: registration access code, sent as `X-Halext-Code` on `register()` only
     *   (INI `halext.access_code[_file]`, env `HALEXT_ACCESS_CODE[_FILE]`);
     * - `timeout_ms`: whole-request timeout per attempt (INI `halext.timeout_ms`, env
     *   `HALEXT_TIMEOUT_MS`, default 10000; 0 = none);
     * - `connect_timeout_ms` (INI `halext.connect_timeout_ms`, env, default 3000);
     * - `retries`: extra attempts for idempotent requests (GET/PUT/DELETE) on connection
     *   failures, 5xx and 429 (env `HALEXT_RETRIES`, default 2); `retry_base_ms` (100),
     *   `retry_max_ms` (2000: also the longest `Retry-After` honoured);
     * - `user_agent`, `proxy` (URL, may hold credentials), `ca_file` (extra PEM roots),
     *   `max_upload_bytes` (default 26214400).
     *
     * Answers are the Halext JSON objects as arrays; datetimes (`created_at`, `updated_at`,
     * `published_at`, `last_seen`, `timestamp`) are Unix seconds (int), and `published_at` may be
     * given as Unix seconds too. Input arrays take Halext's field names; an unknown key throws
     * `Halext\Exception` INVALID_ARGUMENT (nothing is sent).
     *
     * Every method throws `ApiException` when the call fails (`getStatus()`, `getFieldErrors()`,
     * `getRetryAfter()`; codes `UNAUTHORIZED` … `REQUEST`) and `Halext\Exception`
     * INVALID_ARGUMENT for unusable arguments.
     */
    final class Client
    {
        /**
         * @param array $options see the class description (`access_code` and `proxy` are secrets).
         * @throws Exception CONFIG: unknown option, wrong type, no URL, bad INI/env value,
         *         unreadable CA file or access-code file.
         */
        public function __construct(#[\SensitiveParameter] array $options = []) {}

        /** `GET /health`: `['status' => 'healthy'|'degraded', 'version', 'timestamp' => int, 'env' => [...], 'components' => [...], 'system' => [...]]`. */
        public function health(): array {}

        /** `GET /version`: `['version', 'api_name', 'docs_url', 'features' => string[]]`. */
        public function version(): array {}

        /**
         * `POST /token` (form-encoded; never retried) with a username or an email.
         *
         * @return array{access_token: string, token_type: string, expires_at: ?int}
         * @throws ApiException UNAUTHORIZED for a wrong username or password.
         */
        public function login(string $usernameOrEmail, #[\SensitiveParameter] string $password): array {}

        /**
         * `POST /users/?create_demo_data=false` with the access code: `$user` = `['username',
         * 'email', 'password', 'full_name'?]`; `is_admin` is accepted and never sent.
         *
         * @return array the new user (`id`, `username`, `email`, `full_name`, `is_admin`, `created_at`)
         * @throws ApiException CONFLICT ("Email already registered" / "Username already
         *         registered"), UNAUTHORIZED ("Access code required"), VALIDATION.
         */
        public function register(#[\SensitiveParameter] array $user): array {}

        /** `GET /users/me/`: the token's user (`id`, `username`, `email`, `full_name`, `is_admin`, `created_at`). */
        public function me(#[\SensitiveParameter] string $token): array {}

        /** `DELETE /users/me/`: deletes the caller's account and everything it owns. */
        public function deleteMe(#[\SensitiveParameter] string $token): void {}

        /** `GET /users/search`: users whose username or full name contains `$q` (case-insensitive), without the caller. */
        public function searchUsers(#[\SensitiveParameter] string $token, string $q, int $limit = 20): array {}

        /** `POST /users/me/presence`: `$presence` = `['is_online'?, 'status'? => 'online'|'away'|'busy'|'offline', 'current_activity'?, 'status_message'?]`. */
        public function setPresence(#[\SensitiveParameter] string $token, array $presence): array {}

        /** `GET /users/{username}/presence`. */
        public function presence(#[\SensitiveParameter] string $token, string $username): array {}

        /** `GET /users/presence?user_ids=…` (`[]`: the first 100 users): `[['user_id', 'status', 'last_seen', 'is_typing'], …]`. */
        public function presenceList(#[\SensitiveParameter] string $token, array $userIds = []): array {}

        /** `GET /content/public/blog`: published posts, newest first. */
        public function publicBlog(?int $limit = null): array {}

        /** `GET /content/public/blog/{slug}` (published only). */
        public function publicBlogPost(string $slug): array {}

        /** `GET /content/admin/blog-posts` (admin). */
        public function adminBlogPosts(#[\SensitiveParameter] string $token): array {}

        /** `POST /content/admin/blog-posts` (admin): `$post` = `['slug', 'title', 'body_markdown', 'summary'?, 'tags'?, 'hero_image_url'?, 'status'?, 'published_at'?, 'file_path'?]`. */
        public function createBlogPost(#[\SensitiveParameter] string $token, array $post): array {}

        /** `PUT /content/admin/blog-posts/{slug}` (admin): only the keys given change. */
        public function updateBlogPost(#[\SensitiveParameter] string $token, string $slug, array $patch): array {}

        /** `DELETE /content/admin/blog-posts/{slug}` (admin). */
        public function deleteBlogPost(#[\SensitiveParameter] string $token, string $slug): void {}

        /** `GET /content/public/pages/{slug}` (published only). */
        public function publicPage(string $slug): array {}

        /** `GET /content/admin/pages` (admin). */
        public function adminPages(#[\SensitiveParameter] string $token): array {}

        /** `POST /content/admin/pages` (admin): `$page` = `['slug', 'title', 'summary'?, 'hero_image_url'?, 'sections'?, 'nav_links'?, 'theme'?, 'is_published'?]`. */
        public function createPage(#[\SensitiveParameter] string $token, array $page): array {}

        /** `PUT /content/admin/pages/{id}` (admin): only the keys given change. */
        public function updatePage(#[\SensitiveParameter] string $token, int $id, array $patch): array {}

        /** `DELETE /content/admin/pages/{id}` (admin). */
        public function deletePage(#[\SensitiveParameter] string $token, int $id): void {}

        /** `GET /content/public/photo-albums`. */
        public function publicAlbums(): array {}

        /** `GET /content/public/photo-albums/{slug}`. */
        public function publicAlbum(string $slug): array {}

        /** `GET /content/admin/photo-albums` (admin). */
        public function adminAlbums(#[\SensitiveParameter] string $token): array {}

        /** `POST /content/admin/photo-albums` (admin): `$album` = `['slug', 'title', 'description'?, 'cover_image_url'?, 'hero_text'?, 'photos'?, 'is_public'?]`. */
        public function createAlbum(#[\SensitiveParameter] string $token, array $album): array {}

        /** `PUT /content/admin/photo-albums/{id}` (admin): only the keys given change. */
        public function updateAlbum(#[\SensitiveParameter] string $token, int $id, array $patch): array {}

        /** `DELETE /content/admin/photo-albums/{id}` (admin). */
        public function deleteAlbum(#[\SensitiveParameter] string $token, int $id): void {}

        /**
         * `POST /content/admin/media` (admin, multipart; never retried): the file at `$path`,
         * streamed from disk. Options `title`, `filename` (default: the file's name),
         * `content_type` (default: from the name).
         *
         * @throws ApiException REQUEST, before anything is sent, for a file over
         *         `max_upload_bytes`, unreadable or not a regular file.
         */
        public function uploadMedia(#[\SensitiveParameter] string $token, string $path, array $options = []): array {}

        /** Like `uploadMedia()` with the bytes in memory; options `title`, `content_type`. */
        public function uploadMediaBytes(#[\SensitiveParameter] string $token, string $bytes, string $filename, array $options = []): array {}

        /** `GET /content/admin/media` (admin): newest first. */
        public function listMedia(#[\SensitiveParameter] string $token): array {}

        /** `GET /social/circles`: the caller's circles. */
        public function circles(#[\SensitiveParameter] string $token): array {}

        /** `POST /social/circles`: `$circle` = `['name', 'description'?, 'emoji'?, 'theme_color'?, 'vibe'?]`. */
        public function createCircle(#[\SensitiveParameter] string $token, array $circle): array {}

        /** `POST /social/circles/join?invite_code=…`. */
        public function joinCircle(#[\SensitiveParameter] string $token, string $inviteCode): array {}

        /** `GET /social/circles/{id}/pulses`: the latest 25, newest first. */
        public function pulses(#[\SensitiveParameter] string $token, int $circleId): array {}

        /** `POST /social/circles/{id}/pulses`: `$pulse` = `['message', 'mood'?, 'attachments'?]`. */
        public function postPulse(#[\SensitiveParameter] string $token, int $circleId, array $pulse): array {}

        /**
         * `POST /ai/chat` (never retried). Options `history` (`[['role' => 'user'|'assistant'|'system', 'content' => …], …]`),
         * `model` (`'<provider>:<model>'`).
         *
         * @return array{response: string, model: string, provider: string, mock: bool}
         *         (`mock`: Halext's fallback answered, no real AI backend was reachable)
         */
        public function chat(#[\SensitiveParameter] string $token, string $prompt, array $options = []): array {}

        /**
         * `POST /ai/chat/stream`: calls `$onChunk(string $chunk)` for each piece of the answer
         * as it arrives; returning `false` stops the stream (the connection is closed). An
         * exception thrown by `$onChunk` stops the stream and is thrown to the caller
         * unchanged. Do not call the client from inside `$onChunk` (ApiException REQUEST).
         * Options as for `chat()`.
         *
         * @return array{model: ?string, text: string, chunks: int, stopped: bool}
         */
        public function chatStream(#[\SensitiveParameter] string $token, string $prompt, callable $onChunk, array $options = []): array {}

        /**
         * Asks `POST /ai/chat` a question with context from the site: `$snippets` =
         * `[['source' => 'forum', 'title' => …, 'text' => …], …]`, most relevant first, quoted
         * in delimited blocks within a budget. Options `site` (default `'this site'`),
         * `budget_chars` (default 6000), `model`, `history`.
         *
         * @return array{response: string, model: string, provider: string, mock: bool, snippets_used: int, snippets_truncated: int, snippets_dropped: int}
         */
        public function chatWithContext(#[\SensitiveParameter] string $token, string $question, array $snippets, array $options = []): array {}

        /** `GET /ai/models` (options `provider`, `limit` 1–500). Note: Halext also makes the first listed model its default. */
        public function models(#[\SensitiveParameter] string $token, array $options = []): array {}

        /** `GET /integrations/openwebui`: `['enabled' => bool, 'url' => ?string]`. */
        public function openWebUiStatus(): array {}

        /** `GET /integrations/openwebui/sync/status` (ApiException SERVER 503 when sync is off). */
        public function openWebUiSyncStatus(#[\SensitiveParameter] string $token): array {}

        /** `POST /integrations/openwebui/sync/user`: `['success' => bool, 'action', 'user_id', 'message', 'error']`. */
        public function openWebUiSyncUser(#[\SensitiveParameter] string $token): array {}

        /**
         * `POST /integrations/openwebui/sso`: a sign-in link to redirect the browser to. The URL
         * and token are credentials: do not log them.
         *
         * @return array{sso_url: string, token: string, expires_in: int}
         */
        public function openWebUiSso(#[\SensitiveParameter] string $token, ?string $redirectTo = null): array {}

        /**
         * The token's user, asked of Halext (`GET /users/me/`) and cached per process: at most
         * 60 s and never past the token's `exp`; failures are never cached.
         *
         * @throws ApiException UNAUTHORIZED for an expired, invalid or deleted user's token.
         */
        public function validateRemote(#[\SensitiveParameter] string $token): array {}

        /**
         * Any route: `$path` is the bare path with its exact trailing slash (`/users/me/`);
         * options `token` (bearer), `query` (`['name' => scalar, …]`, order kept), `json` (the
         * body). Returns the decoded JSON, `null` for an empty answer, or a string for a
         * non-JSON text answer. GET/PUT/DELETE are retried like the typed methods.
         *
         * @return mixed
         */
        public function request(string $method, string $path, #[\SensitiveParameter] array $options = []): mixed {}
    }

    /**
     * Legacy password hashes checked the way each legacy app's login checks them: md5 (plain
     * and Acmlmboard's salted forms), phpass (`$P$`/`$H$`), PHP bcrypt, WordPress 6.8 `$wp$`
     * and Halext's pbkdf2-sha256, detected from the stored value. Static methods only.
     *
     * Options (all optional; an unknown option, app or wrong type throws `Halext\Exception`
     * INVALID_ARGUMENT):
     * - `app`: whose login rules. `'generic'` (default: every format; md5 rows as plain md5, plus
     *   the salted constructions when salts are given; the password exactly as typed; passwords
     *   over 4096 bytes never match), `'acmlmboard'` (Acmlmboard 2: bcrypt, md5 rows only with
     *   `legacylogin`, as `md5($pwdsalt2 . $pw . $pwdsalt)`, also the `addslashes()` and
     *   windows-1252 forms of the input), `'acmlmboard1'` (AcmlmBoard 1.x: plain md5 and
     *   bcrypt, same input forms), `'wordpress'` (`wp_check_password()`: md5, phpass, `$wp$`,
     *   bcrypt; the slashed input; 4096-byte cap), `'zen3mp'` (`password_verify()` only),
     *   `'halext'` (pbkdf2-sha256);
     * - `legacylogin` (bool, `acmlmboard` only): the board's `$config['legacylogin']`;
     * - `md5` (string[]): md5 constructions to try, any of `'plain'`, `'pass_salt'`,
     *   `'salt2_pass_salt'` (e.g. for AB2 boards with rows from 2011-2014);
     * - `pwdsalt`, `pwdsalt2` (string, sensitive): the board's `$pwdsalt`/`$pwdsalt2`;
     * - `cost` (int 4-31, default 10): the bcrypt cost the app writes today (`needsRehash`).
     *
     * Messages never contain a password, a salt or a stored hash (only its shape).
     */
    final class Password
    {
        /** Not instantiable: every method is static (throws `\Exception`). */
        public function __construct() {}

        /**
         * Whether `$password` (the bytes as typed) logs in against `$hash` under the app's
         * rules: what a login form needs. A stored value that can never log anyone in (unknown
         * format, malformed, bcrypt cut to 32 characters, md5 of the empty string, a format the
         * app does not accept, a work factor above the caps) is `false`, as on the app itself;
         * an empty password is `false`.
         *
         * @throws LegacyException UNUSABLE_HASH for a salted md5 row checked without the
         *         board's salts (a configuration problem that would lock every such user out).
         * @throws Exception INVALID_ARGUMENT for bad options.
         */
        public static function verify(#[\SensitiveParameter] string $password, string $hash, #[\SensitiveParameter] array $options = []): bool {}

        /**
         * What a migration report needs: `['match' => bool, 'format' => 'md5_hex', 'scheme' =>
         * 'acmlm2_md5_salt2_pass_salt'|null, 'variant' => 'raw'|'addslashes'|'windows1252'|
         * 'windows1252+addslashes'|null]` (`scheme`/`variant` say how the hash was made when it
         * matched), or why `$hash` cannot be used.
         *
         * @return array{match: bool, format: string, scheme: ?string, variant: ?string}
         * @throws LegacyException UNKNOWN_HASH_FORMAT, UNUSABLE_HASH (the message gives the
         *         reason: truncated bcrypt, md5 of the empty string, not accepted by the app, ...).
         * @throws Exception INVALID_ARGUMENT for bad options.
         */
        public static function check(#[\SensitiveParameter] string $password, string $hash, #[\SensitiveParameter] array $options = []): array {}

        /**
         * The format of a stored hash: `'bcrypt'`, `'phpass'`, `'wp_bcrypt_sha384'`, `'md5_hex'`
         * or `'halext_pbkdf2_sha256'`.
         *
         * @throws LegacyException UNKNOWN_HASH_FORMAT, or UNUSABLE_HASH for an empty, truncated
         *         or malformed value.
         */
        public static function identify(string $hash): string {}

        /**
         * Whether the app (`app`, `cost`) would replace `$hash` after a successful login:
         * `wordpress` anything but `$wp$` bcrypt at `cost`; `halext` anything but pbkdf2-sha256
         * with 29000+ rounds; other apps anything but bcrypt at `cost` or more. `true` for
         * anything unusable.
         *
         * @throws Exception INVALID_ARGUMENT for bad options.
         */
        public static function needsRehash(string $hash, #[\SensitiveParameter] array $options = []): bool {}
    }

    /**
     * Login-time migration, gated registration and resolve/link over the legacy sites and the
     * mapping store of one `halext.toml` (see docs/migration.md).
     *
     * Objects are cheap: the service behind them (database pools, the HTTP connection, the
     * lookup caches) is kept per process and per configuration, so `new Halext\Migration()` in
     * every request of a PHP-FPM worker reuses it; a forked child (PHP-FPM, `pcntl_fork`) makes
     * its own on first use. Not cloneable, not serialisable.
     *
     * Options: `config` (path of the `halext.toml`; default INI `halext.config`, then env
     * `HALEXT_CONFIG`) and overrides of the file's `[halext]` section: `url`, `timeout_ms`,
     * `connect_timeout_ms`, `retries`, `retry_base_ms`, `retry_max_ms`, `pool_idle_ms`,
     * `user_agent`, `proxy`, `ca_file`, `max_upload_bytes`, `validation_cache_ttl_ms`,
     * `validation_cache_size`, `direct_http`, `access_code` (sensitive).
     */
    final class Migration
    {
        /**
         * No network or database I/O: a configuration problem is reported here, a database or
         * Halext problem by the first call that needs it.
         *
         * @throws Exception CONFIG for a missing or invalid `halext.toml` or option.
         */
        public function __construct(#[\SensitiveParameter] array $options = []) {}

        /**
         * Logs a user in with their legacy credentials and migrates them to Halext if needed
         * (docs/migration.md §1.5): `['outcome' => 'logged_in'|'migrated'|'linked_existing'|
         * 'legacy_only'|'halext_password_required'|'not_migrated', 'access_token' => ?string,
         * 'expires_at' => ?int (the token's exp, Unix seconds, read without verification),
         * 'legacy_id' => int (the app's user id), 'halext_username' => ?string, 'halext_login'
         * => ?string (for halext_password_required: the Halext account to ask the password
         * for)]`. Any outcome means the legacy password was right.
         *
         * @return array{outcome: string, access_token: ?string, expires_at: ?int, legacy_id: int, halext_username: ?string, halext_login: ?string}
         * @throws MigrationException INVALID_CREDENTIALS (unknown user and wrong password alike,
         *         same message), ACCOUNT_BLOCKED (right password, banned/closed/unverified/
         *         deleted/spam account), HALEXT_UNAVAILABLE (policy `fail`), CONFLICT,
         *         MAPPING_STORE.
         * @throws LegacyException DATABASE when the legacy database fails.
         * @throws Exception INVALID_ARGUMENT for an unknown site; CONFIG when Halext refuses
         *         the access code.
         */
        public function login(string $site, string $loginOrEmail, #[\SensitiveParameter] string $password): array {}

        /**
         * After `halext_password_required` (the legacy password was verified in this session):
         * links the legacy account to the existing Halext account `$halextLogin` if
         * `$halextPassword` is its password. Returns the array of `login()` (`outcome`
         * `linked_existing`, with a token).
         *
         * @throws MigrationException INVALID_CREDENTIALS when Halext refuses the password;
         *         HALEXT_UNAVAILABLE; CONFLICT when the account was meanwhile linked elsewhere.
         */
        public function linkWithHalextPassword(string $site, int $legacyId, string $halextLogin, #[\SensitiveParameter] string $halextPassword): array {}

        /**
         * Gated registration, step 1: creates the Halext account from `['username' => ...,
         * 'email' => ..., 'password' => ..., 'full_name' => ?string]` (`is_admin` is ignored,
         * never sent; demo data off) and returns `['id' => int, 'username' => string]`. Then
         * create the local account and call `link($site, $localId, $username)`.
         *
         * @return array{id: int, username: string}
         * @throws MigrationException DUPLICATE_USERNAME (taken on Halext, or reserved in the
         *         mapping table for a legacy account, case-insensitively), DUPLICATE_EMAIL,
         *         HALEXT_UNAVAILABLE.
         * @throws Exception INVALID_ARGUMENT for an unsafe username (docs/migration.md §2.3),
         *         an unusable email, an empty or missing field, an unknown key or site.
         */
        public function register(string $site, #[\SensitiveParameter] array $user): array {}

        /**
         * Records that the local account `$legacyId` is the Halext account `$halextUsername`
         * (`$method`: `'registration'`, `'login'`, or `'manual'`, which may replace another
         * link) and returns the mapping row (as `resolve()`).
         *
         * @throws MigrationException CONFLICT when the account is linked to another Halext
         *         username (unless `manual`), MAPPING_STORE.
         * @throws Exception INVALID_ARGUMENT for an unknown site or method, a negative id.
         */
        public function link(string $site, int $legacyId, string $halextUsername, string $method = 'registration', ?int $halextUserId = null): array {}

        /**
         * The mapping of a legacy account, or null: `['site', 'legacy_id', 'halext_username',
         * 'halext_user_id', 'halext_email', 'full_name', 'status' => 'planned'|'linked'|
         * 'conflict'|'skipped', 'method' => 'plan'|'login'|'registration'|'manual', 'reason',
         * 'plan_run', 'created_at', 'updated_at', 'linked_at']` (times in Unix seconds). A
         * linked row is cached per process (30 s by default; this process's own writes are seen
         * at once); any other answer is read from the database, so a link another worker just
         * made is seen at once.
         *
         * @throws MigrationException MAPPING_STORE.
         */
        public function resolve(string $site, int $legacyId): ?array {}

        /**
         * The legacy accounts mapped to a Halext username (byte-exact, like Halext):
         * `[['site' => 'wordpress', 'legacy_id' => 2], ...]`, possibly empty. Always read
         * from the database.
         *
         * @return list<array{site: string, legacy_id: int}>
         * @throws MigrationException MAPPING_STORE.
         */
        public function resolveHalext(string $halextUsername): array {}

        /**
         * Creates the mapping table if it does not exist (what `halext migrate init` does;
         * needs the CREATE privilege). Idempotent.
         *
         * @throws MigrationException MAPPING_STORE.
         */
        public function init(): void {}
    }
}


namespace {

    /** The version of the extension (the halext version it was built from), e.g. `"0.1.0"`. */
    function halext_version(): string {}

    /**
     * Every code a halext exception can carry, in numeric order:
     * `[['code' => 104, 'reason' => 'token.expired', 'class' => 'Halext\TokenException', 'constant' => 'EXPIRED'], …]`.
     * `constant("{$row['class']}::{$row['constant']}") === $row['code']` for every row.
     *
     * @return list<array{code: int, reason: string, class: class-string<\Halext\Exception>, constant: string}>
     */
    function halext_error_codes(): array {}

    /**
     * The effective configuration and where each value came from; never a secret value.
     *
     * Keys: `url`, `timeout_ms`, `connect_timeout_ms`, `config` (each
     * `['value' => string|int|null, 'source' => 'ini'|'env'|null, 'from' => string|null]`) and
     * `jwt_secret`, `openwebui_secret`, `access_code` (each
     * `['set' => bool, 'source' => 'ini'|'ini_file'|'env'|'env_file'|null, 'from' => string|null]`).
     * `from` names the INI entry or environment variable used. Precedence: INI entry, then
     * the `HALEXT_*` environment variable (secrets: value before file at each level).
     *
     * @throws \Halext\Exception code CONFIG when a setting is present but unusable
     *         (timeout not 1–86400000, secret file unreadable or empty, URL not UTF-8).
     */
    function halext_config(): array {}

    /**
     * Validates a Halext access token (`POST /token`: HS256, claims `sub` = username and `exp`)
     * with the secret from INI `halext.jwt_secret` / `halext.jwt_secret_file` or env
     * `HALEXT_JWT_SECRET` / `HALEXT_JWT_SECRET_FILE` (the Halext server's `SECRET_KEY`), and
     * returns its claims: `['sub' => 'alice', 'exp' => 1764432000]` (other claims follow, if any).
     *
     * One validator per process is kept for the configured secret and rebuilt when it changes
     * (a secret file is re-read at most every 2 seconds), so a token seen before is cheaper.
     * Same as `Halext\TokenValidator::halext()->validate($jwt)`.
     *
     * @return array<string, mixed>
     * @throws \Halext\TokenException for a rejected token (`getReason()`: `token.expired`,
     *         `token.bad_signature`, `token.malformed`, …).
     * @throws \Halext\Exception CONFIG when no secret is configured or its file is unreadable;
     *         `Halext\TokenException` INVALID_KEY when it is under 32 bytes.
     */
    function halext_validate_token(#[\SensitiveParameter] string $jwt): array {}
}
