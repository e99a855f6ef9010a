<?php
/**
 * Prints (JSON) which parts of the halext PHP API the WordPress plugin uses are missing from
 * this PHP: `php -d extension=<libhalext_php.so> probe-bindings.php`.
 */
$missing = array();
foreach ( array( 'Halext\\Client', 'Halext\\Migration', 'Halext\\Password', 'Halext\\Exception' ) as $class ) {
	if ( ! class_exists( $class ) ) {
		$missing[] = $class;
	}
}
foreach ( array( 'halext_version', 'halext_validate_token' ) as $function ) {
	if ( ! function_exists( $function ) ) {
		$missing[] = $function . '()';
	}
}
echo json_encode( $missing ), "\n";
