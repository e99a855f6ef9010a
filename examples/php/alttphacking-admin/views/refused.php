<?php namespace Alttp\Admin; /** In scope: $username. */ ?>
<div class="refusal" role="alert">
  <p><strong>This admin is for Halext administrators.</strong></p>
  <p><?= $username !== '' ? 'The Halext account <strong>' . e($username) . '</strong> is' : 'Your Halext account is' ?>
     not an administrator, so you were not signed in. Ask a Halext administrator if you need access.</p>
</div>
<p><a href="/login">Sign in with another account</a> · <a href="/blog">Read the public news</a></p>
