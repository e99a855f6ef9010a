<?php namespace Alttp\Admin; /** In scope: $message. */ ?>
<p class="message"><?= e($message) ?></p>
<p><a href="/news">Back to the admin</a></p>
