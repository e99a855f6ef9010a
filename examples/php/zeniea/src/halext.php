<?php

/*
 * ZEN3MP ("Zeniea") on Halext: the include the app requires from config/config.php, after it
 * has opened $spdo (its PDO connection to the `social` database) and started the session. It
 * gives the login handler (src/forms/login_form.php), the registration handler
 * (src/forms/register_form.php) and src/auth.php one object, HalextZen\social(), over the
 * app's `users` table (columns as read back by ZEN3MP's code: `id`, `displayname`,
 * `username`, `email`, `password`, `signup_date`, `avatar`, `num_posts`, `num_likes`,
 * `user_closed`, `friend_list`, `header_img`, `user_title`, `verify_user`, `verify_hash`) and
 * the shared sign-in of ../../shared/halext_web.php.
 *
 * Settings (optional): $halext_zen = ['site' => 'social'] (the [[site]] name in halext.toml).
 * Everything about Halext is in halext.toml (INI halext.config) and the halext.* INI entries;
 * see docs/adapters.md.
 */

declare(strict_types=1);

namespace HalextZen;

// Installed: next to this file in shared/; in the halext repository: examples/php/shared/.
require_once is_file(__DIR__ . '/shared/halext_web.php') ? __DIR__ . '/shared/halext_web.php' : __DIR__ . '/../../shared/halext_web.php';

use Halext\Exception as HalextException;
use Halext\MigrationException;
use HalextWeb\LocalAccounts;

/**
 * The app's side of the adapter: its `users` table and its error codes.
 */
final class Social implements LocalAccounts
{
    /** ZEN3MP's $error_array code for each sign-in error (HalextWeb\SignIn). */
    public const LOGIN_ERRORS = [
        'invalid' => 'IncorrectCredentials',   // also for an unknown email: ZEN3MP said UserNotExist
        'blocked' => 'AccountDisabled',
        'unavailable' => 'LoginUnavailable',
        'attention' => 'AccountAttention',
        'no_account' => 'NoLocalAccount',
    ];

    /** Default pictures of a new account (ZEN3MP's registration form picks one at random). */
    private const AVATARS = ['head_deep_blue', 'head_emerald', 'head_red', 'head_alizarin', 'head_pomegranate'];

    /** @var \PDO */
    private $db;
    /** @var string */
    private $site;

    public function __construct(\PDO $db, string $site = 'social')
    {
        $this->db = $db;
        $this->site = $site;
    }

    public function site(): string
    {
        return $this->site;
    }

    /** The `users` row of `$id` (what ZEN3MP's auth.php loads into $user), or null. */
    public function user(int $id): ?array
    {
        $q = $this->db->prepare('SELECT * FROM users WHERE id = ?');
        $q->execute([$id]);
        $row = $q->fetch(\PDO::FETCH_ASSOC);
        return is_array($row) ? $row : null;
    }

    /** Never verified (`verify_user` <> 'yes') or closed (`user_closed` = 'yes'). */
    public function blocked(int $id): bool
    {
        $row = $this->user($id);
        return $row === null || $row['verify_user'] !== 'yes' || $row['user_closed'] === 'yes';
    }

    /** Whether a `username` is taken (`username = ?`, through the table's collation). */
    public function usernameTaken(string $username): bool
    {
        $q = $this->db->prepare('SELECT COUNT(*) FROM users WHERE username = ?');
        $q->execute([$username]);
        return (int) $q->fetchColumn() > 0;
    }

    /** Whether an `email` is taken, as ZEN3MP's registration checks it (`email = ?`). */
    public function emailTaken(string $email): bool
    {
        $q = $this->db->prepare('SELECT COUNT(*) FROM users WHERE email = ?');
        $q->execute([$email]);
        return (int) $q->fetchColumn() > 0;
    }

    /**
     * An account for a Halext user without one: `username` = the Halext username (or `name_2`,
     * … when taken; ZEN3MP's rule of 2–25 bytes without spaces or tags), open and verified
     * (Halext is where this person signs in), with an EMPTY email: ZEN3MP's `verify_user =
     * 'yes'` makes the planner trust a row's email for merging accounts across sites
     * (docs/migration.md §2.2), and Halext never verified this one.
     */
    public function create(array $me): ?int
    {
        $base = (string) ($me['username'] ?? '');
        if ($base !== strip_tags($base) || str_contains($base, ' ')) {
            return null;
        }
        for ($n = 1; $n <= 20; $n++) {
            $name = $n === 1 ? $base : "{$base}_$n";
            if (strlen($name) < 2 || strlen($name) > 25) {
                return null;
            }
            if (!$this->usernameTaken($name)) {
                $full = trim((string) ($me['full_name'] ?? ''));
                return $this->insert($full !== '' ? $full : $name, $name, '', bin2hex(random_bytes(32)), 'no', 'yes', '');
            }
        }
        return null;
    }

    public function delete(int $id): void
    {
        $this->db->prepare('DELETE FROM users WHERE id = ?')->execute([$id]);
    }

    /** Inserts a `users` row with ZEN3MP's registration defaults and returns its id. */
    private function insert(string $displayname, string $username, string $email, string $password, string $closed, string $verified, string $verifyHash): int
    {
        $q = $this->db->prepare('INSERT INTO users (displayname, username, email, password, signup_date, avatar, num_posts, num_likes,
            user_closed, friend_list, header_img, user_title, verify_user, verify_hash) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?)');
        $avatar = '/lib/assets/images/profile_pics/defaults/' . self::AVATARS[random_int(0, 4)] . '.png';
        $q->execute([$displayname, $username, $email, password_hash($password, PASSWORD_DEFAULT), date('Y-m-d'), $avatar,
            $closed, ',', '/img/default-wallpaper.png', 'New User', $verified, $verifyHash]);
        return (int) $this->db->lastInsertId();
    }

    /**
     * Gated registration (docs/migration.md §1.6): the Halext account first
     * (`Halext\Migration::register`), then the `users` row as ZEN3MP makes it (closed and
     * unverified until the email link is followed; `verify_hash` from random_bytes instead of
     * md5(rand(0, 1000))), then the link (method `registration`).
     *
     * @return array{id: int, verify_hash: string}|string the new account, or an $error_array code
     */
    public function register(string $username, string $email, string $password)
    {
        try {
            $halext = \HalextWeb\migration()->register($this->site, ['username' => $username, 'email' => $email, 'password' => $password]);
        } catch (MigrationException $e) {
            switch ($e->getCode()) {
                case MigrationException::DUPLICATE_USERNAME:
                    return 'UsernameTaken';
                case MigrationException::DUPLICATE_EMAIL:
                    return 'EmailTaken';
                default:
                    \HalextWeb\log_failure('registration', $e);
                    return 'RegistrationUnavailable';
            }
        } catch (HalextException $e) {
            if ($e->getCode() === HalextException::INVALID_ARGUMENT) {
                return 'InvalidUsername';
            }
            \HalextWeb\log_failure('registration', $e);
            return 'RegistrationUnavailable';
        }
        $hash = bin2hex(random_bytes(16));
        $id = $this->insert($username, $username, $email, $password, 'yes', 'no', $hash);
        try {
            \HalextWeb\migration()->link($this->site, $id, (string) $halext['username'], 'registration', (int) $halext['id']);
        } catch (HalextException $e) {
            // Both accounts exist; the first login links them (`linked_existing`).
            \HalextWeb\log_failure('registration link', $e);
        }
        return ['id' => $id, 'verify_hash' => $hash];
    }
}

/** The app's object for this request, over $spdo (config/config.php). */
function social(): Social
{
    static $social = null;
    if ($social === null) {
        global $spdo, $halext_zen;
        $social = new Social($spdo, (string) ($halext_zen['site'] ?? 'social'));
    }
    return $social;
}
