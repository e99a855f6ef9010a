<?php

/*
 * ZEN3MP src/auth.php on Halext (drop-in): "who is this request". The user comes from the
 * Halext token kept in the session, validated on every request (HalextWeb\Session::identity:
 * local HS256 with Halext's SECRET_KEY, or GET /users/me/ without it; the token's user must be
 * the Halext account linked to the session's user id), instead of trusting
 * $_SESSION['username'] alone. Sets $isLoggedIn, $userLoggedIn, $user, $num_friends and
 * $login_flag as before. The remember-me branch (token_auth cookies) is gone: it would sign
 * people in without a Halext token.
 */

$current_time = time();
$current_date = date('Y-m-d H:i:s', $current_time);

$isLoggedIn = false;
$userLoggedIn = 'Guest';
$login_flag = 0;
$user = null;

$halext_who = HalextWeb\Session::identity(HalextZen\social()->site());
if ($halext_who !== null && ($user = HalextZen\social()->user($halext_who['user_id'])) !== null) {
    $userLoggedIn = $user['username'];
    $_SESSION['username'] = $userLoggedIn;
    $num_friends = substr_count((string) $user['friend_list'], ',') - 1;
    $isLoggedIn = true;
    $login_flag = 1;
} elseif (session_status() === PHP_SESSION_ACTIVE) {
    unset($_SESSION['username']);
}
