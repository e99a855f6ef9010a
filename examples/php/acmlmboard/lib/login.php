<?php

/*
 * Acmlmboard 2 lib/login.php, first block: "who is this request". Replaces the check of the
 * `user`/`pass` cookies (checkuid + unpacklcookie) with the Halext token kept in the session,
 * validated on every request (HalextWeb\Session::identity: local HS256 with Halext's
 * SECRET_KEY, or GET /users/me/ without it; the token's user must be the Halext account linked
 * to the session's user id). Sets $log and $loguser exactly as before; the rest of the board's
 * lib/login.php stays as it is.
 */

$log = false;
$loguser = [];
$logpermset = [];

$halext_who = HalextWeb\Session::identity(HalextAcmlm\board()->site());
if ($halext_who !== null && ($user = HalextAcmlm\board()->user($halext_who['user_id'])) !== null) {
    $log = true;
    $loguser = $user;
    load_user_permset();
} else {
    load_guest_permset();
}
