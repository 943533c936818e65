locals {
  admin_network = "203.0.113.0/28"
}

variable "db_port" {
  default = "5432"
}

# Older provider: repeated expression blocks, first match wins, unmatched traffic passes.
resource "sakuracloud_packet_filter" "web" {
  name = "web"

  expression {
    protocol         = "tcp"
    source_network   = local.admin_network
    destination_port = "22"
  }
  expression {
    protocol         = "tcp"
    destination_port = "443"
  }
  expression {
    protocol         = "tcp"
    destination_port = var.db_port
  }
  expression {
    protocol         = "tcp"
    destination_port = "32768-61000"
  }
  expression {
    protocol    = "ip"
    allow       = false
    description = "Deny ALL"
  }
}

# Newer provider: expression written as a list attribute; no final deny.
resource "sakura_packet_filter" "legacy" {
  name = "legacy"
  expression = [
    {
      protocol         = "tcp"
      source_network   = "0.0.0.0/0"
      destination_port = "3389"
    },
    {
      protocol         = "tcp"
      destination_port = "22"
      allow            = false
    },
    {
      protocol         = "tcp"
      destination_port = "1-1024"
    },
  ]
}

resource "sakuracloud_server" "db" {
  name = "db"
  network_interface {
    upstream         = "shared"
    packet_filter_id = sakuracloud_packet_filter.web.id
  }
}

resource "sakuracloud_vpc_router" "edge" {
  name = "edge"
  firewall {
    interface_index = 0
    direction       = "receive"
    expression {
      protocol         = "tcp"
      source_network   = ""
      destination_port = "6379"
      allow            = true
    }
    expression {
      protocol = "ip"
      allow    = false
    }
  }
}
