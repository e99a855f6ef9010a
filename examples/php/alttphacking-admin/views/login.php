<?php namespace Alttp\Admin; /** In scope: $form (Form). */ ?>
<?php if (query_string('signed-out') === '1'): ?>
<p class="flash" role="status">You have signed out.</p>
<?php endif; ?>
<p>Sign in with your <strong>Halext</strong> account. This admin is for Halext administrators.</p>
<?= error_summary($form) ?>
<form method="post" action="/login" novalidate>
  <?= csrf_field() ?>
  <fieldset>
    <legend>Halext account</legend>
    <?= text_field($form, 'username', 'Username or email', ['required' => true, 'autocomplete' => 'username', 'maxlength' => 254]) ?>
    <?= text_field($form, 'password', 'Password', ['type' => 'password', 'required' => true, 'autocomplete' => 'current-password']) ?>
  </fieldset>
  <button type="submit">Sign in</button>
</form>
<p><a href="/blog">Read the public news</a></p>
