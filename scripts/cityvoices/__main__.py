from cityvoices.cli import main

raise SystemExit(main())
