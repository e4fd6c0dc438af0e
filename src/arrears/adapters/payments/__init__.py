"""Payment gateways: adapters of the ``PaymentGateway`` port (``arrears.services.ports``)."""
