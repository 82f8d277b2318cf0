from ecommerce_agent.cli import main

raise SystemExit(main())
