from introstudio.cli import main

raise SystemExit(main())
