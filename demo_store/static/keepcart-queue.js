window.keepcart=window.keepcart||function(){(window.keepcart.q=window.keepcart.q||[]).push(arguments)};
