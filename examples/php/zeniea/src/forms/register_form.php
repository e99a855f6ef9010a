<?php

/*
 * ZEN3MP src/forms/register_form.php on Halext (drop-in; older checkouts:
 * includes/form_handlers/register_handler.php). What changes against the app's own:
 * - the app's checks stay (tags and spaces stripped from the name, 2-25 bytes; emails typed
 *   twice and valid and not used here; passwords typed twice, [A-Za-z0-9!@#$%] only, and the
 *   5-30 length rule the original meant to enforce), plus a CSRF token;
 * - a taken username is an error (UsernameTaken) instead of a silent `name_1`: the username
 *   is the Halext identity too;
 * - the account is created on Halext first (Halext\Migration::register), then the `users` row
 *   (closed and unverified until the email link, as before), then the link; Halext's
 *   "username/email already registered" become UsernameTaken / EmailTaken.
 * Keep your captcha check before it, and the users_about insert and the verification mail
 * after `$new_user_id` (zen_send_verification_mail() stands for the app's mail() block).
 */

use HalextWeb\Csrf;

$uname = '';
$em = '';
$em2 = '';

if (isset($_POST['register_button'])) {
    $social = HalextZen\social();
    if (!Csrf::valid()) {
        http_response_code(403);
        array_push($error_array, 'CsrfFailed');
    } else {
        $uname = str_replace(' ', '', strip_tags((string) ($_POST['reg_uname'] ?? '')));
        $_SESSION['reg_uname'] = $uname;
        $em = str_replace(' ', '', strip_tags((string) ($_POST['reg_email'] ?? '')));
        $_SESSION['reg_email'] = $em;
        $em2 = str_replace(' ', '', strip_tags((string) ($_POST['reg_email2'] ?? '')));
        $_SESSION['reg_email2'] = $em2;
        $password = strip_tags((string) ($_POST['reg_password'] ?? ''));
        $password2 = strip_tags((string) ($_POST['reg_password2'] ?? ''));

        if ($em !== $em2) {
            array_push($error_array, 'EmailMismatch');
        } elseif (filter_var($em, FILTER_VALIDATE_EMAIL) === false) {
            array_push($error_array, 'InvalidEmail');
        } elseif ($social->emailTaken($em)) {
            array_push($error_array, 'EmailTaken');
        }
        if (strlen($uname) > 25 || strlen($uname) < 2) {
            array_push($error_array, 'UsernameLength');
        } elseif ($social->usernameTaken($uname)) {
            array_push($error_array, 'UsernameTaken');
        }
        if ($password !== $password2) {
            array_push($error_array, 'PasswordMismatch');
        } elseif (preg_match('/[^A-Za-z0-9!@#$%]/', $password)) {
            array_push($error_array, 'InvalidPasswordCharacters');
        }
        if (strlen($password) > 30 || strlen($password) < 5) {
            array_push($error_array, 'PasswordLength');
        }

        if (empty($error_array)) {
            $new = $social->register($uname, $em, $password);
            if (is_array($new)) {
                $new_user_id = $new['id'];
                // (the app's users_about insert goes here)
                zen_send_verification_mail($em, $uname, $new['verify_hash']);
                array_push($error_array, 'EmailSent');
                $_SESSION['reg_uname'] = $_SESSION['reg_email'] = $_SESSION['reg_email2'] = '';
            } else {
                array_push($error_array, $new);
            }
        }
    }
}
